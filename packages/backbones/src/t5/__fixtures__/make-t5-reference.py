"""Reference for t5-model.test.ts: a random Hugging Face T5ForConditionalGeneration (relu FF, untied head, no
dropout) saved as safetensors with its logits on fixed inputs. Regenerate with
    /work/main/.venv/bin/python packages/backbones/src/t5/__fixtures__/make-t5-reference.py
(transformers 5.x, torch 2.x). Small widths; 8 relative buckets over max distance 20 so that sequences of 14
encoder / 8 decoder tokens reach the logarithmic buckets."""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import T5Config, T5ForConditionalGeneration

torch.manual_seed(0)
cfg = T5Config(vocab_size=40, d_model=16, d_kv=8, d_ff=32, num_layers=2, num_decoder_layers=2, num_heads=2,
               relative_attention_num_buckets=8, relative_attention_max_distance=20, dropout_rate=0.0,
               feed_forward_proj="relu", tie_word_embeddings=False, layer_norm_epsilon=1e-6,
               decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
model = T5ForConditionalGeneration(cfg).eval()
# transformers 5 ties lm_head to the shared embedding whatever the config says (tie_word_embeddings=False only
# turns off the d^-1/2 output scaling): untie it by hand, so the reference has an independent head.
model.lm_head.weight = torch.nn.Parameter(0.25 * torch.randn(cfg.vocab_size, cfg.d_model))
assert not cfg.scale_decoder_outputs
with torch.no_grad():  # layer norms away from 1 so that a missing norm weight shows
    for n, p in model.named_parameters():
        if "layer_norm" in n:
            p.copy_(1 + 0.2 * torch.randn_like(p))
enc = [[5, 9, 13, 2, 7, 30, 31, 8, 8, 12, 3, 39, 21, 4], [6, 17, 25, 11, 19, 3, 0, 0, 0, 0, 0, 0, 0, 0]]
mask = [[1] * 14, [1] * 6 + [0] * 8]
dec = [[0, 12, 5, 33, 2, 9, 9, 14], [0, 7, 7, 1, 38, 22, 3, 10]]
with torch.no_grad():
    out = model(input_ids=torch.tensor(enc), attention_mask=torch.tensor(mask), decoder_input_ids=torch.tensor(dec))
sd = {k: v.contiguous() for k, v in model.state_dict().items() if not k.endswith("embed_tokens.weight")}
here = os.path.dirname(os.path.abspath(__file__))
save_file(sd, os.path.join(here, "t5-reference.safetensors"))
save_file({"logits": out.logits.contiguous()}, os.path.join(here, "t5-reference-logits.safetensors"))
with open(os.path.join(here, "t5-reference.json"), "w") as f:
    json.dump({"config": {"vocabSize": 40, "dModel": 16, "dKv": 8, "dFf": 32, "encoderLayers": 2, "decoderLayers": 2,
                          "nHeads": 2, "relativeBuckets": 8, "relativeMaxDistance": 20, "dropout": 0},
               "encoder": enc, "mask": mask, "decoder": dec}, f)
