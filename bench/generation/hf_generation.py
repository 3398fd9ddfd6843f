"""Hugging Face peer of bench-generation.ts: the same LLaMA weights (our base checkpoint written by
saveLlamaSafetensors, the index rows appended to the tied embedding / LM head) decoded with
`generate(num_beams=20, num_return_sequences=10, prefix_allowed_tokens_fn=<trie walk>, max_new_tokens=5)`, the
LC-Rec / ED² way: the function walks the item trie from the first generated token and allows EOS at a complete
index. Prints one JSON line: users/s, peak RSS, the top-10 items of the first --check prompts and, on request, the
logits check against ours and a no-EOS run (max_new_tokens = index length) that scores beams exactly as ours."""
import argparse, json, os, resource, time
import torch
import transformers
from safetensors.torch import load_file
from transformers import LlamaForCausalLM

p = argparse.ArgumentParser()
p.add_argument('--dir', required=True)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--n', type=int, default=16)
p.add_argument('--batch', type=int, default=1)
p.add_argument('--check', type=int, default=8)
p.add_argument('--logits-check', action='store_true')
p.add_argument('--exact-check', action='store_true')
p.add_argument('--no-eos', action='store_true', help='time max_new_tokens = index length (no EOS step) instead of 5')
a = p.parse_args()
torch.set_num_threads(a.threads)
BEAMS, TOP_K, MAX_NEW = 20, 10, 5

trie = json.load(open(os.path.join(a.dir, 'trie.json')))
V, N_NEW, EOS = trie['vocab'], trie['nNew'], trie['eosId']
prompts = json.load(open(os.path.join(a.dir, 'prompts.json')))

model = LlamaForCausalLM.from_pretrained(os.path.join(a.dir, 'model'), dtype=torch.float32)
model.resize_token_embeddings(V + N_NEW, mean_resizing=False)
with torch.no_grad():
    model.get_input_embeddings().weight[V:] = load_file(os.path.join(a.dir, 'rows.safetensors'))['rows']
assert model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr(), 'head not tied'
model.eval()

# the trie as prefix → allowed next tokens (EOS where a complete index ends), and complete index → item
allowed, item_of = {}, {}
for e in trie['entries']:
    toks = tuple(e['tokens'])
    item_of[toks] = e['value']
    for d in range(len(toks)):
        allowed.setdefault(toks[:d], set()).add(toks[d])
    allowed.setdefault(toks, set()).add(EOS)
allowed = {k: sorted(v) for k, v in allowed.items()}
max_len = max(len(e['tokens']) for e in trie['entries'])
ONLY_EOS = [EOS]


def run(batch_prompts, max_new):
    plen = max(len(q) for q in batch_prompts)
    ids = torch.tensor([[0] * (plen - len(q)) + q for q in batch_prompts])
    mask = torch.tensor([[0] * (plen - len(q)) + [1] * len(q) for q in batch_prompts])

    def prefix_allowed_tokens_fn(batch_id, input_ids):
        return allowed.get(tuple(input_ids[plen:].tolist()), ONLY_EOS)

    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=mask, num_beams=BEAMS, num_return_sequences=TOP_K,
                             max_new_tokens=max_new, prefix_allowed_tokens_fn=prefix_allowed_tokens_fn,
                             do_sample=False, early_stopping=True, output_scores=True, return_dict_in_generate=True,
                             eos_token_id=EOS, pad_token_id=0)
    seqs, scores = out.sequences[:, plen:].tolist(), out.sequences_scores.tolist()
    tops = []
    for b in range(len(batch_prompts)):
        items, sc = [], []
        for r in range(TOP_K):
            toks = [t for t in seqs[b * TOP_K + r] if t not in (EOS, 0)]
            items.append(item_of.get(tuple(toks), -1))
            sc.append(scores[b * TOP_K + r])
        tops.append({'items': items, 'scores': sc})
    return tops


res = {'batch': a.batch, 'n': a.n, 'threads': a.threads, 'torch': torch.__version__, 'transformers': transformers.__version__,
       'attn': model.config._attn_implementation, 'ompWaitPolicy': os.environ.get('OMP_WAIT_POLICY'),
       'ldPreload': os.environ.get('LD_PRELOAD'), 'maxIndexLen': max_len}
if a.logits_check:
    ours = load_file(os.path.join(a.dir, 'logits0.safetensors'))['logits'][0]
    with torch.no_grad():
        theirs = model(torch.tensor([prompts[0]])).logits[0]
    res['logitsMaxAbsDiff'] = (ours - theirs).abs().max().item()
    res['logitsMaxAbs'] = ours.abs().max().item()
    res['indexLogitsMaxAbsDiff'] = (ours[:, V:] - theirs[:, V:]).abs().max().item()
timed_new = max_len if a.no_eos else MAX_NEW
res['maxNewTokens'] = timed_new
run(prompts[:a.batch], timed_new)  # warm-up
top = []
t0 = time.perf_counter()
for i in range(0, a.n, a.batch):
    top += run(prompts[i:min(a.n, i + a.batch)], timed_new)
sec = time.perf_counter() - t0
res.update({'seconds': sec, 'usersPerS': a.n / sec, 'top': top[:a.check],
            'complete': all(-1 not in x['items'] for x in top)})
if a.exact_check:
    # no EOS step: HF scores = sum of log-probs / length (all indices have the same length here), i.e. our order
    res['topExact'] = [t for i in range(0, a.check, a.batch) for t in run(prompts[i:min(a.check, i + a.batch)], max_len)]
res['peakRssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(res))
