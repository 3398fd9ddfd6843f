"""Plain PyTorch + PEFT peer of the torch backbone's LoRA step (bench-torch.cjs): the same random-init LLaMA
(transformers LlamaForCausalLM), PEFT LoRA r=8 alpha=16 dropout 0 on q,k,v,o, the same batch shape (B sequences of
P prompt + R response tokens, response-only NLL), torch.optim.AdamW; forward + backward + step + zero_grad.
--mode full: model(input_ids, labels) (logits for every position, prompt labels -100: the usual script);
--mode response: the LM head on the response positions only (what the worker computes). Prints one JSON line."""
import argparse, json, resource, time

import torch
from peft import LoraConfig, get_peft_model
from transformers import LlamaConfig, LlamaForCausalLM

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=6)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--vocab", type=int, default=32000)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--prompt", type=int, default=64)
p.add_argument("--response", type=int, default=64)
p.add_argument("--mode", choices=["full", "response"], default="full")
p.add_argument("--serve", action="store_true", help="after the warm-up, one timed step per 'step' line on stdin (interleaving with another engine)")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
cfg = LlamaConfig(hidden_size=256, intermediate_size=688, num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=8,
                  vocab_size=a.vocab, max_position_embeddings=256, rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=True)
model = get_peft_model(LlamaForCausalLM(cfg), LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], bias="none"))
model.train()
opt = torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=1e-3, weight_decay=0.0)
T = a.prompt + a.response
ids = torch.randint(3, a.vocab, (a.batch, T))
labels = ids.clone()
labels[:, : a.prompt] = -100
lm = model.get_base_model()


def step():
    if a.mode == "full":
        loss = model(input_ids=ids, labels=labels).loss
    else:
        h = lm.model(input_ids=ids[:, :-1]).last_hidden_state[:, a.prompt - 1:]
        loss = torch.nn.functional.cross_entropy(lm.lm_head(h).reshape(-1, a.vocab), ids[:, a.prompt:].reshape(-1))
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
    return float(loss.detach())


for _ in range(a.warmup):
    step()
if a.serve:
    import sys

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() != "step":
            break
        t0 = time.perf_counter()
        last = step()
        print(json.dumps({"stepSeconds": time.perf_counter() - t0, "loss": last}), flush=True)
    raise SystemExit(0)
t0 = time.perf_counter()
for _ in range(a.steps):
    last = step()
dt = (time.perf_counter() - t0) / a.steps
print(json.dumps({"mode": a.mode, "stepSeconds": dt, "tokPerS": a.batch * T / dt, "loss": last, "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__}))
