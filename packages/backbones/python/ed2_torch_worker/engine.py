"""The model side of the `torch` backbone: a Hugging Face LLaMA (optionally under PEFT LoRA) whose index tokens'
rows come from the TypeScript caller, with the response NLL / pooled states, their gradients with respect to the
rows, the straight-through mix and the trainable weights, and a KV-cached beam decoder over the index tokens.

The gradients are returned, not applied: the TypeScript side owns the one AdamW step over indexer, rows and these
weights (so one clip norm, one learning-rate schedule and one checkpoint cover all of them).
"""
import numpy as np
import torch

LORA_MODULES = {"q": "q_proj", "k": "k_proj", "v": "v_proj", "o": "o_proj", "gate": "gate_proj", "up": "up_proj", "down": "down_proj"}


def _t(a, device, dtype=torch.float32):
    return torch.from_numpy(np.array(a, copy=True)).to(device=device, dtype=dtype)


class Engine:
    def __init__(self, args, device):
        from transformers import LlamaConfig, LlamaForCausalLM

        self.device = device
        torch.manual_seed(int(args["seed"]))
        if args.get("weightsDir"):
            model = LlamaForCausalLM.from_pretrained(args["weightsDir"], dtype=torch.float32, attn_implementation="sdpa")
        else:
            c = args["config"]
            cfg = LlamaConfig(
                hidden_size=c["dim"], intermediate_size=c["hiddenDim"], num_hidden_layers=c["nLayers"],
                num_attention_heads=c["nHeads"], num_key_value_heads=c["nKvHeads"], vocab_size=c["vocabSize"],
                max_position_embeddings=c["maxSeqLen"], rms_norm_eps=c["normEps"], rope_theta=c["ropeTheta"],
                tie_word_embeddings=c["tiedEmbeddings"], bos_token_id=c["bosId"], eos_token_id=c["eosId"],
                attention_bias=False, mlp_bias=False,
            )
            model = LlamaForCausalLM(cfg)
            model.to(torch.float32)
        model.config.use_cache = False
        self.peft = args["finetune"] == "lora"
        if self.peft:
            from peft import LoraConfig, get_peft_model

            lc = args["lora"]
            model = get_peft_model(model, LoraConfig(r=lc["rank"], lora_alpha=lc["alpha"], lora_dropout=lc["dropout"],
                                                     target_modules=[LORA_MODULES[t] for t in lc["targets"]], bias="none"))
        else:
            for p in model.parameters():
                p.requires_grad_(True)
        self.model = model.to(device)
        self.lm = model.get_base_model() if self.peft else model
        self.config = self.lm.config
        self.V = self.config.vocab_size
        self.dim = self.config.hidden_size
        self.trainable = [(n, p) for n, p in self.model.named_parameters() if p.requires_grad]
        self.graphs = {}
        self.counters = {"n": 0, "p": 0}
        self.decoder = None
        self.model.eval()

    # ---- parameters -----------------------------------------------------------------------------------------
    def describe(self):
        total = sum(p.numel() for p in self.model.parameters())
        return {
            "dim": self.dim, "vocabSize": self.V, "maxSeqLen": self.config.max_position_embeddings,
            "total": total, "trainable": [{"name": n, "shape": list(p.shape)} for n, p in self.trainable],
        }

    def get_params(self):
        return [p.detach().cpu().numpy() for _, p in self.trainable]

    def set_params(self, values):
        with torch.no_grad():
            for (_, p), v in zip(self.trainable, values):
                p.copy_(torch.from_numpy(np.array(v, copy=True)).to(p.device, p.dtype))

    # ---- forward pieces -------------------------------------------------------------------------------------
    def embed(self, ids, rows, mix):
        """ids [b, t] (long), rows [n, d] or None, mix (positions [(sample, pos)], delta [P, n]) or None → [b, t, d]."""
        table = self.lm.get_input_embeddings()
        x = table(ids.clamp(max=self.V - 1))
        if rows is not None:
            new = ids >= self.V
            x = torch.where(new.unsqueeze(-1), rows[(ids - self.V).clamp(min=0, max=rows.shape[0] - 1)], x)
            if mix is not None:
                positions, delta = mix
                b, t = ids.shape
                keep = [(k, s * t + p) for k, (s, p) in enumerate(positions) if p < t]
                if keep:
                    sel = torch.zeros(b * t, delta.shape[0], device=self.device)
                    for k, at in keep:
                        sel[at, k] = 1.0
                    x = x + (sel @ (delta @ rows)).view(b, t, -1)
        return x

    def hidden(self, ids, rows, mix, attention_mask=None, cache=None):
        out = self.lm.model(inputs_embeds=self.embed(ids, rows, mix), attention_mask=attention_mask, past_key_values=cache, use_cache=cache is not None)
        return out.last_hidden_state

    def head(self, h, rows):
        logits = self.lm.lm_head(h)
        if rows is not None:
            logits = torch.cat([logits, h @ rows.T], dim=-1)
        return logits

    def _leaves(self, rows, delta, grad):
        leaves = []
        if rows is not None:
            rows = _t(rows, self.device).requires_grad_(grad)
            leaves.append(rows)
        if delta is not None:
            delta = _t(delta, self.device).requires_grad_(grad)
            leaves.append(delta)
        return rows, delta, leaves

    @staticmethod
    def pad(seqs):
        width = max([1] + [len(s) for s in seqs])
        return [list(s) + [0] * (width - len(s)) for s in seqs], width

    def nll(self, seqs, prompt_lens, rows, mix_positions, delta, training, grad):
        """Σ response NLL of each (prompt ++ response) sequence; returns (sum, tokens, handle or None)."""
        inputs = [s[:-1] for s in seqs]
        padded, width = self.pad(inputs)
        picks, labels = [], []
        for i, s in enumerate(seqs):
            for j in range(max(1, prompt_lens[i]), len(s)):
                picks.append(i * width + j - 1)
                labels.append(s[j])
        self.model.train(bool(training))
        with torch.set_grad_enabled(grad):
            rows_t, delta_t, leaves = self._leaves(rows, delta, grad)
            if not picks:  # (a rank's empty shard still answers the backward that follows)
                total = torch.zeros((), device=self.device)
                return 0.0, 0, (self._keep("n", total, leaves) if grad else None)
            ids = torch.tensor(padded, dtype=torch.long, device=self.device)
            h = self.hidden(ids, rows_t, (mix_positions, delta_t) if delta_t is not None else None)
            flat = h.reshape(-1, self.dim)[torch.tensor(picks, device=self.device)]
            total = torch.nn.functional.cross_entropy(self.head(flat, rows_t), torch.tensor(labels, device=self.device), reduction="sum")
        handle = self._keep("n", total, leaves) if grad else None
        return float(total.detach()), len(picks), handle

    def pooled(self, seqs, rows, mix_positions, delta, training, grad):
        padded, width = self.pad(seqs)
        self.model.train(bool(training))
        with torch.set_grad_enabled(grad):
            rows_t, delta_t, leaves = self._leaves(rows, delta, grad)
            ids = torch.tensor(padded, dtype=torch.long, device=self.device)
            h = self.hidden(ids, rows_t, (mix_positions, delta_t) if delta_t is not None else None)
            m = torch.tensor([[1.0 if j < len(s) else 0.0 for j in range(width)] for s in seqs], device=self.device)
            out = (h * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True)
        handle = self._keep("p", out, leaves) if grad else None
        return out.detach().cpu().numpy(), handle

    def _keep(self, kind, out, leaves):
        """Keeps a graph for `backward`; handles are "n<k>" (nll: numbered alike on every rank) or "p<k>" (rank 0)."""
        self.counters[kind] += 1
        h = f"{kind}{self.counters[kind]}"
        self.graphs[h] = (out, leaves)
        mine = [k for k in self.graphs if k.startswith(kind)]
        for k in mine[: max(0, len(mine) - 16)]:  # forward passes nobody differentiated (evaluation inside a tape)
            del self.graphs[k]
        return h

    def backward(self, handle, dy):
        """Gradients of the kept output (weighted by dy) w.r.t. [rows?, delta?] and every trainable weight."""
        if handle not in self.graphs:
            raise KeyError(f"no kept forward pass '{handle}' (each is differentiated at most once; only the last 16 are kept)")
        out, leaves = self.graphs.pop(handle)
        params = [p for _, p in self.trainable]
        if not out.requires_grad:
            return [torch.zeros_like(x).detach().cpu().numpy() for x in leaves + params]
        g = torch.autograd.grad(out, leaves + params, grad_outputs=_t(dy, self.device).reshape(out.shape), allow_unused=True)
        res = [torch.zeros_like(x) if gi is None else gi for x, gi in zip(leaves + params, g)]
        return [r.detach().cpu().numpy() for r in res]

    # ---- logits (parity checks) and beam decoding -----------------------------------------------------------
    @torch.no_grad()
    def logits(self, seqs, rows):
        self.model.eval()
        padded, _ = self.pad(seqs)
        rows_t = None if rows is None else _t(rows, self.device)
        h = self.hidden(torch.tensor(padded, dtype=torch.long, device=self.device), rows_t, None)
        return self.head(h, rows_t).cpu().numpy()

    @torch.no_grad()
    def decode_start(self, prompts, rows):
        from transformers import DynamicCache

        self.model.eval()
        T = max(len(p) for p in prompts)
        ids = torch.tensor([[0] * (T - len(p)) + list(p) for p in prompts], dtype=torch.long, device=self.device)
        mask = torch.tensor([[0] * (T - len(p)) + [1] * len(p) for p in prompts], dtype=torch.long, device=self.device)
        rows_t = _t(rows, self.device)
        cache = DynamicCache(config=self.config)
        h = self.hidden(ids, rows_t, None, attention_mask=mask, cache=cache)
        self.decoder = {"cache": cache, "mask": mask, "rows": rows_t}
        return self._index_logp(h[:, -1])

    @torch.no_grad()
    def decode_advance(self, parents, tokens):
        d = self.decoder
        idx = torch.tensor(parents, dtype=torch.long, device=self.device)
        d["cache"].reorder_cache(idx)
        d["mask"] = torch.cat([d["mask"][idx], torch.ones(len(parents), 1, dtype=torch.long, device=self.device)], dim=1)
        ids = torch.tensor([[t] for t in tokens], dtype=torch.long, device=self.device)
        h = self.hidden(ids, d["rows"], None, attention_mask=d["mask"], cache=d["cache"])
        return self._index_logp(h[:, -1])

    def _index_logp(self, last):
        logp = torch.log_softmax(self.head(last, self.decoder["rows"]).float(), dim=-1)
        return logp[:, self.V:].contiguous().cpu().numpy()

    def decode_end(self):
        self.decoder = None

    # ---- adapters in PEFT's format --------------------------------------------------------------------------
    def save_adapters(self, directory):
        if self.peft:
            self.model.save_pretrained(directory)
        else:
            self.model.save_pretrained(directory, safe_serialization=True)

    def load_adapters(self, directory):
        if self.peft:
            from peft import set_peft_model_state_dict
            from peft.utils import load_peft_weights

            res = set_peft_model_state_dict(self.model, load_peft_weights(directory, device=str(self.device)))
            if getattr(res, "unexpected_keys", None):
                raise ValueError(f"{directory}: adapter tensors this model does not have: {res.unexpected_keys[:5]}")
        else:
            from safetensors.torch import load_file
            import os

            state = load_file(os.path.join(directory, "model.safetensors"))
            self.model.load_state_dict(state, strict=False)
