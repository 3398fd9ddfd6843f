"""PyTorch peer of bench-llama.ts: the same LLaMA (RMSNorm, half RoPE, SwiGLU, untied-free tied head), LoRA rank 8
on q,k,v,o, response-only NLL, AdamW; prints one JSON line with tokens/s and peak RSS."""
import argparse, json, math, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--steps', type=int, default=3)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--vocab', type=int, default=32000)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
D, L, H, HID, B, T, R = 256, 4, 8, 688, 8, 128, 8
HD = D // H


class Lora(nn.Module):
    def __init__(self, i, o, lora):
        super().__init__()
        self.w = nn.Linear(i, o, bias=False)
        self.w.weight.requires_grad_(False)
        self.a = nn.Parameter(torch.randn(R, i) / math.sqrt(i)) if lora else None
        self.b = nn.Parameter(torch.zeros(o, R)) if lora else None

    def forward(self, x):
        y = self.w(x)
        return y if self.a is None else y + (x @ self.a.t() @ self.b.t()) * (16 / R)


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w


inv = 1.0 / (10000 ** (torch.arange(0, HD, 2).float() / HD))
ang = torch.outer(torch.arange(T).float(), inv)
COS, SIN = ang.cos(), ang.sin()


def rope(x):
    x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
    return torch.cat([x1 * COS - x2 * SIN, x1 * SIN + x2 * COS], -1)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (Lora(D, D, True) for _ in range(4))
        self.g, self.u = Lora(D, HID, False), Lora(D, HID, False)
        self.d = Lora(HID, D, False)
        self.n1 = nn.Parameter(torch.ones(D), requires_grad=False)
        self.n2 = nn.Parameter(torch.ones(D), requires_grad=False)

    def forward(self, x, mask):
        b, t, _ = x.shape
        h = rms(x, self.n1)
        q = rope(self.q(h).view(b, t, H, HD).transpose(1, 2))
        k = rope(self.k(h).view(b, t, H, HD).transpose(1, 2))
        v = self.v(h).view(b, t, H, HD).transpose(1, 2)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HD) + mask, -1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, D))
        h = rms(x, self.n2)
        return x + self.d(F.silu(self.g(h)) * self.u(h))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Parameter(torch.randn(a.vocab, D) * 0.02, requires_grad=False)
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.norm = nn.Parameter(torch.ones(D), requires_grad=False)
        self.mask = torch.triu(torch.full((T, T), -1e9), 1)

    def forward(self, ids):
        x = self.emb[ids]
        for blk in self.blocks:
            x = blk(x, self.mask)
        return rms(x, self.norm) @ self.emb.t()


m = Model()
ids = torch.randint(0, a.vocab, (B, T + 1))
inp, tgt = ids[:, :-1], ids[:, 1:]
w = torch.zeros(B, T)
w[:, 63:] = 1
opt = torch.optim.AdamW([q for q in m.parameters() if q.requires_grad], lr=1e-3, weight_decay=0.01)


def step():
    opt.zero_grad()
    logp = F.log_softmax(m(inp), -1)
    nll = -logp.gather(-1, tgt.unsqueeze(-1)).squeeze(-1)
    loss = (nll * w).sum() / w.sum()
    loss.backward()
    opt.step()


step()
t0 = time.perf_counter()
for _ in range(a.steps):
    step()
train = B * T * a.steps / (time.perf_counter() - t0)
with torch.no_grad():
    m(inp)
    t0 = time.perf_counter()
    for _ in range(a.steps):
        m(inp)
    fwd = B * T * a.steps / (time.perf_counter() - t0)
print(json.dumps({'trainTokPerS': train, 'forwardTokPerS': fwd,
                  'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'version': torch.__version__}))
