"""PyTorch peer of bench-speed.ts: a straightforward SASRec with exactly the architecture and settings of
@ed2/baselines' SasRec (item table row 0 = padding and tied output, learned positions, pre-norm, dropout,
CE over all items, Adam(W) lr 1e-3 without weight decay, left-padded inputs) on amazon-instruments.

Measures (a) training throughput in sequences/s over --steps steps after --warmup steps and (b) the
full-ranking test evaluation time for all users (scores over all items, pessimistic-tie rank of the
target, batches of 512). Prints one JSON line. With --check DIR it instead loads the weights that
bench-speed.ts exported to DIR and prints the largest score difference against the TS model's scores.

Training pairs and batches are the TS side's: input seq[:-1], target seq[1:] of each user's training
part (all but the last two items), users in id order, batches of 256 taken in that order.
"""
import argparse, json, math, os, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--data', default='../shared/datasets/amazon-instruments/Instruments.inter.json')
p.add_argument('--steps', type=int, default=30)
p.add_argument('--warmup', type=int, default=3)
p.add_argument('--max-train-s', type=float, default=60.0)
p.add_argument('--eval-batch', type=int, default=512)
p.add_argument('--threads', type=int, default=os.cpu_count())
p.add_argument('--check', default=None)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
D, LAYERS, HEADS, MAXLEN, DROPOUT, BATCH, LR = 64, 2, 2, 50, 0.3, 256, 1e-3
HD = D // HEADS


def tn(*shape, std):
    return nn.init.trunc_normal_(torch.empty(*shape), 0.0, std, -2 * std, 2 * std)


class Linear(nn.Module):
    """x @ w + b with w [in, out], as the TS model stores it."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(tn(D, D, std=1 / math.sqrt(D)))
        self.b = nn.Parameter(torch.zeros(D))

    def forward(self, x):
        return x @ self.w + self.b


class SasRec(nn.Module):
    def __init__(self, num_items):
        super().__init__()
        self.item = nn.Parameter(torch.cat([torch.zeros(1, D), tn(num_items, D, std=0.02)]))
        self.pos = nn.Parameter(tn(MAXLEN, D, std=0.02))
        self.blocks = nn.ModuleList(nn.ModuleDict({n: Linear() for n in ['q', 'k', 'v', 'o', 'ff1', 'ff2']}) for _ in range(LAYERS))
        self.ln1 = nn.ModuleList(nn.LayerNorm(D, eps=1e-8) for _ in range(LAYERS))
        self.ln2 = nn.ModuleList(nn.LayerNorm(D, eps=1e-8) for _ in range(LAYERS))
        self.final = nn.LayerNorm(D, eps=1e-8)
        self.register_buffer('causal', torch.triu(torch.full((MAXLEN, MAXLEN), -1e9), 1))

    def hidden(self, ids):
        b, l = ids.shape
        drop = lambda t: F.dropout(t, DROPOUT, self.training)
        keep = (ids != 0).float().unsqueeze(2)
        x = drop(self.item[ids] * keep * math.sqrt(D) + self.pos[MAXLEN - l:]) * keep
        mask = ((1 - keep) * -1e9).view(b, 1, 1, l) + self.causal[:l, :l]
        split = lambda t: t.view(b, l, HEADS, HD).transpose(1, 2)
        for i, blk in enumerate(self.blocks):
            q = self.ln1[i](x)
            att = torch.softmax(split(blk['q'](q)) @ split(blk['k'](x)).transpose(-1, -2) / math.sqrt(HD) + mask, -1)
            ctx = (drop(att) @ split(blk['v'](x))).transpose(1, 2).reshape(b, l, D)
            x = q + drop(blk['o'](ctx))
            x = x + drop(blk['ff2'](drop(F.relu(blk['ff1'](self.ln2[i](x))))))
            x = x * keep
        return self.final(x)

    def loss(self, ids, targets):
        h = self.hidden(ids).reshape(-1, D)
        logits = h @ self.item[1:].t()
        return F.cross_entropy(logits, targets.reshape(-1) - 1, ignore_index=-1)

    def score(self, ids):
        return self.hidden(ids)[:, -1] @ self.item[1:].t()


def pad_left(seqs):
    out = torch.zeros(len(seqs), MAXLEN, dtype=torch.long)
    for r, s in enumerate(seqs):
        tail = s[-MAXLEN:]
        out[r, MAXLEN - len(tail):] = torch.tensor(tail) + 1
    return out


def eval_ranks(model, cases):
    """Pessimistic-tie ranks of every case's target: 1 + #(score > target) + #(other items tied with it)."""
    ranks = []
    with torch.inference_mode():
        for s in range(0, len(cases), a.eval_batch):
            chunk = cases[s:s + a.eval_batch]
            scores = model.score(pad_left([h for h, _ in chunk]))
            tgt = torch.tensor([t for _, t in chunk])
            ranks.append((scores >= scores.gather(1, tgt.unsqueeze(1))).sum(1))
    return torch.cat(ranks)


def main():
    raw = json.load(open(a.data))
    seqs = [raw[k] for k in sorted(raw, key=int)]
    num_items = 1 + max(max(s) for s in seqs)
    train = [s[:-2] for s in seqs]
    pairs = [t for t in train if len(t) >= 2]
    inputs, targets = pad_left([t[:-1] for t in pairs]), pad_left([t[1:] for t in pairs])
    test = [(s[:-1], s[-1]) for s in seqs]
    model = SasRec(num_items)
    if a.check:
        check(model, test)
        return
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.0)
    n = len(pairs)
    nb = math.ceil(n / BATCH)

    def step(i):
        s = (i % nb) * BATCH
        loss = model.loss(inputs[s:s + BATCH], targets[s:s + BATCH])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    model.train()
    first = [step(i) for i in range(a.warmup)][0]
    t = time.perf_counter()
    seqs_done, last, steps = 0, 0.0, 0
    while steps < a.steps and time.perf_counter() - t < a.max_train_s:
        i = a.warmup + steps
        last = step(i)
        steps += 1
        seqs_done += min(BATCH, n - (i % nb) * BATCH)
    train_s = time.perf_counter() - t
    model.eval()
    eval_ranks(model, test[: a.eval_batch])  # warm-up batch
    t = time.perf_counter()
    ranks = eval_ranks(model, test)
    eval_s = time.perf_counter() - t
    print(json.dumps({
        'version': torch.__version__, 'threads': torch.get_num_threads(), 'steps': steps, 'sequences': seqs_done,
        'trainSeconds': train_s, 'seqPerS': seqs_done / train_s, 'msPerStep': 1000 * train_s / steps,
        'evalSeconds': eval_s, 'evalUsers': len(test), 'firstLoss': first, 'lastLoss': last,
        'hr10': float((ranks <= 10).float().mean()), 'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'params': sum(x.numel() for x in model.parameters()),
    }))


def check(model, test):
    """Load the TS model's variables (raw float32 files + manifest) and compare eval-mode scores."""
    man = json.load(open(os.path.join(a.check, 'manifest.json')))
    raw = lambda f: torch.frombuffer(bytearray(open(os.path.join(a.check, f), 'rb').read()), dtype=torch.float32)
    load = lambda name: raw(man['files'][name]).view(*man['shapes'][name])
    with torch.no_grad():
        model.item.copy_(load('item/embedding'))
        model.pos.copy_(load('position/embedding'))
        for i, blk in enumerate(model.blocks):
            for n in ['q', 'k', 'v', 'o', 'ff1', 'ff2']:
                blk[n].w.copy_(load(f'block{i}/{n}/w'))
                blk[n].b.copy_(load(f'block{i}/{n}/b'))
            for ln, n in [(model.ln1[i], 'ln1'), (model.ln2[i], 'ln2')]:
                ln.weight.copy_(load(f'block{i}/{n}/g'))
                ln.bias.copy_(load(f'block{i}/{n}/b'))
        model.final.weight.copy_(load('final/ln/g'))
        model.final.bias.copy_(load('final/ln/b'))
    model.eval()
    users = man['users']
    with torch.inference_mode():
        scores = model.score(pad_left([test[u][0] for u in users]))
    ts = raw('scores.bin').view(len(users), -1)
    ids, tg = pad_left(man['lossInputs']), pad_left(man['lossTargets'])
    with torch.no_grad():  # the TS side exported a dropout-0 model: compare the loss without dropout
        loss = float(model.loss(ids, tg))
    print(json.dumps({'maxAbsScoreDiff': float((scores - ts).abs().max()), 'maxAbsScore': float(ts.abs().max()),
                      'torchLoss': loss, 'tsLoss': man['loss']}))


if __name__ == '__main__':
    main()
