"""Popularity reference on a LC-Rec/UniSRec split (.train/.test.inter): rank items by training counts
(each user's longest training sequence counted once), test targets not masked. Prints JSON.
Usage: python3 bench/ed2/popularity.py ../shared/datasets/amazon-scientific/Scientific"""
import collections, json, math, sys

base = sys.argv[1]


def rows(f):
    with open(f) as fh:
        next(fh)
        return [(u, h.split(), t) for u, h, t in (l.rstrip('\n').split('\t') for l in fh)]


longest = {}
for u, h, t in rows(base + '.train.inter'):
    s = h + [t]
    if len(s) > len(longest.get(u, [])):
        longest[u] = s
cnt = collections.Counter(i for s in longest.values() for i in s)
order = [i for i, _ in sorted(cnt.items(), key=lambda x: (-x[1], x[0]))]
test = rows(base + '.test.inter')
out = {'cases': len(test)}
for k in (1, 5, 10):
    top = order[:k]
    out[f'hr@{k}'] = sum(t in top for _, _, t in test) / len(test)
    out[f'ndcg@{k}'] = sum(1 / math.log2(top.index(t) + 2) for _, _, t in test if t in top) / len(test)
print(json.dumps(out))
