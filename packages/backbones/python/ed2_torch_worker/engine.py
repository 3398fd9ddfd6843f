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


try:  # FSDP2 parameters and gradients are DTensors (imported once: _is_dtensor runs per tensor on every op)
    from torch.distributed.tensor import DTensor, distribute_tensor
except ImportError:  # a torch without DTensor has no FSDP2 either
    DTensor = distribute_tensor = None


def _is_dtensor(t):
    return DTensor is not None and isinstance(t, DTensor)


def _full(t):
    """The whole tensor of a parameter or gradient (an FSDP shard is all-gathered: every rank must call this)."""
    return t.full_tensor() if _is_dtensor(t) else t


class Engine:
    def __init__(self, args, device, dist=None):
        from transformers import LlamaConfig, LlamaForCausalLM

        self.device = device
        self.dist = dist
        self.world = dist.get_world_size() if dist else 1
        self.fsdp = args.get("strategy", "ddp") == "fsdp" and self.world > 1
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
        if self.fsdp:
            self._shard()
        self.config = self.lm.config
        self.V = self.config.vocab_size
        self.dim = self.config.hidden_size
        self.trainable = [(n, p) for n, p in self.model.named_parameters() if p.requires_grad]
        self.graphs = {}
        self.counters = {"n": 0, "p": 0}
        self.decoder = None
        self.model.eval()

    def _shard(self):
        """FSDP2 (`fully_shard`): every decoder layer is its own unit (all-gathered for its forward and backward,
        resharded after), the decoder stack's root unit holds the final norm. The token embedding and the LM head
        stay whole on every rank (`ignored_params`): this engine calls them directly (index rows are spliced into
        the embedding and appended to the head), and they are a small share of a large model (2% of LLaMA-2 7B).
        Sharded gradients are reduce-scattered as sums (divide factor 1), the replicated ones all-reduced, so N
        ranks give the gradients of one process with the whole batch, as DDP does."""
        from torch.distributed.fsdp import fully_shard

        decoder = self.lm.model
        whole = {p for p in decoder.embed_tokens.parameters()} | {p for p in self.lm.lm_head.parameters()}
        units = list(decoder.layers)
        for layer in units:
            fully_shard(layer)
        fully_shard(decoder, ignored_params=whole)
        for unit in units + [decoder]:
            unit.set_gradient_divide_factor(1.0)
            unit.set_force_sum_reduction_for_comms(True)  # a plain SUM (gloo has no PREMUL_SUM)

    # ---- parameters -----------------------------------------------------------------------------------------
    def describe(self):
        total = sum(p.numel() for p in self.model.parameters())
        return {
            "dim": self.dim, "vocabSize": self.V, "maxSeqLen": self.config.max_position_embeddings,
            "total": total, "trainable": [{"name": n, "shape": list(p.shape)} for n, p in self.trainable],
        }

    def get_params(self):
        return [_full(p.detach()).cpu().numpy() for _, p in self.trainable]

    def set_params(self, values):
        with torch.no_grad():
            for (_, p), v in zip(self.trainable, values):
                self._set(p, torch.from_numpy(np.array(v, copy=True)))

    def _set(self, p, full):
        full = full.to(p.device, p.dtype)
        if _is_dtensor(p):  # every rank holds the same full value: keep this rank's shard of it
            p.to_local().copy_(distribute_tensor(full, p.device_mesh, p.placements).to_local())
        else:
            p.copy_(full)

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
            zero = not picks
            if zero and not self.fsdp:  # (a rank's empty shard still answers the backward that follows)
                total = torch.zeros((), device=self.device)
                return 0.0, 0, (self._keep("n", total, leaves) if grad else None)
            if zero:  # FSDP: every rank takes part in each layer's all-gather, so run one token and count it 0 times
                padded, picks, labels = [[0]], [0], [0]
            ids = torch.tensor(padded, dtype=torch.long, device=self.device)
            h = self.hidden(ids, rows_t, (mix_positions, delta_t) if delta_t is not None else None)
            flat = h.reshape(-1, self.dim)[torch.tensor(picks, device=self.device)]
            total = torch.nn.functional.cross_entropy(self.head(flat, rows_t), torch.tensor(labels, device=self.device), reduction="sum")
            if zero:
                total = total * 0.0
                picks = []
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

    def backward(self, handle, dy, scale=1.0):
        """Gradients of the kept output (weighted by dy) w.r.t. [rows?, delta?] and every trainable weight."""
        if handle not in self.graphs:
            raise KeyError(f"no kept forward pass '{handle}' (each is differentiated at most once; only the last 16 are kept)")
        out, leaves = self.graphs.pop(handle)
        params = [p for _, p in self.trainable]
        if self.fsdp:
            return self._fsdp_backward(out, leaves, params, dy, scale)
        if not out.requires_grad:
            return [torch.zeros_like(x).detach().cpu().numpy() for x in leaves + params]
        g = torch.autograd.grad(out, leaves + params, grad_outputs=_t(dy, self.device).reshape(out.shape), allow_unused=True)
        res = [torch.zeros_like(x) if gi is None else gi for x, gi in zip(leaves + params, g)]
        return [r.detach().cpu().numpy() for r in res]

    def _fsdp_backward(self, out, leaves, params, dy, scale):
        """FSDP: `backward()` (its hooks reduce-scatter each unit's gradients as they appear), then every gradient
        summed over the ranks: sharded ones all-gathered, the leaves' and the replicated weights' all-reduced."""
        for x in leaves + params:
            x.grad = None
        if out.requires_grad:
            out.backward(_t(dy, self.device).reshape(out.shape) * scale)
        res = []
        for x in leaves + params:
            g = x.grad
            x.grad = None
            if _is_dtensor(x):  # reduce-scattered by FSDP (the same units on every rank): gather the whole sum
                res.append(torch.zeros(x.shape, dtype=x.dtype, device=self.device) if g is None else g.full_tensor())
            else:  # leaves and replicated weights: this rank's part, summed over the ranks
                g = torch.zeros_like(x) if g is None else g.detach().clone()
                self.dist.all_reduce(g)
                res.append(g)
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
    def save_adapters(self, directory, write=True):
        """PEFT's format (adapter_config.json + adapter_model.safetensors), or the whole model when fully fine-tuned.
        Under FSDP every rank gathers the full state (a collective); only `write` (rank 0) saves it."""
        state = {k: _full(v).detach().cpu() for k, v in self.model.state_dict().items()} if self.fsdp else None
        if not write:
            return
        kw = {"state_dict": state} if state is not None else {}
        if self.peft:
            self.model.save_pretrained(directory, **kw)
        else:
            self.model.save_pretrained(directory, safe_serialization=True, **kw)

    def load_adapters(self, directory):
        if self.fsdp:
            return self._fsdp_load(directory)
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

    def _fsdp_load(self, directory):
        """Under FSDP: each trainable weight from the saved file (PEFT drops the adapter name from its keys: `lora_A.default.weight`
        is stored as `lora_A.weight`), this rank keeping its shard."""
        import os
        from safetensors.torch import load_file

        state = load_file(os.path.join(directory, "adapter_model.safetensors" if self.peft else "model.safetensors"))
        missing = []
        with torch.no_grad():
            for n, p in self.trainable:
                key = n.replace(".default.", ".") if self.peft else n
                if key not in state:
                    missing.append(key)
                    continue
                self._set(p, state[key])
        if missing and self.peft:
            raise ValueError(f"{directory}: adapter tensors missing for {missing[:5]}")
