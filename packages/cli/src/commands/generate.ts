import { existsSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BACKEND_NAMES, RecError, Rng, initBackend, type BackendName } from '@ed2/core';
import type { LlamaCheckpointFormat, LlamaWeights, SentencePieceBpe } from '@ed2/backbones';
import { BaseCommand } from '../base-command';

const FORMATS = ['auto', 'bin', 'gguf', 'safetensors'] as const;

export default class Generate extends BaseCommand {
  static override summary = 'Generate text with a LLaMA checkpoint and its tokenizer (greedy, sampling or beam search).';
  static override description = [
    'Loads LLaMA weights (llama2.c .bin, GGUF, or a Hugging Face safetensors folder / file) and a tokenizer',
    '(tokenizer.model, tokenizer.json, llama2.c tokenizer.bin or a .gguf vocabulary), checks that both have the',
    'same vocabulary size, continues --prompt (empty = BOS only) for up to --steps tokens or until the end token,',
    'and prints the prompt with its continuation. Sampling is seeded (--seed); --greedy and --beams are deterministic.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> generate --weights ../shared/models/stories260K/stories260K.bin --tokenizer ../shared/models/stories260K/tok512.bin --greedy',
    '<%= config.bin %> generate --weights model.gguf --tokenizer model.gguf --prompt "Once upon a time" --temperature 0.8 --top-p 0.9 --seed 7',
    '<%= config.bin %> generate --weights ./tinyllama --tokenizer ./tinyllama/tokenizer.json --prompt "The capital of France is" --beams 4 --steps 16',
  ];

  static override flags = {
    weights: Flags.string({ char: 'w', description: 'LLaMA checkpoint: llama2.c .bin, .gguf, or a safetensors file / folder with config.json.', required: true }),
    tokenizer: Flags.string({ char: 't', description: 'Tokenizer: tokenizer.model, tokenizer.json, llama2.c tokenizer.bin, or a .gguf file.', required: true }),
    format: Flags.string({ description: `Checkpoint format (${FORMATS.join(' | ')}; auto = detect from the path and first bytes).`, default: 'auto' }),
    prompt: Flags.string({ char: 'p', description: 'Text to continue (empty = start from BOS only).', default: '' }),
    steps: Flags.integer({ char: 'n', description: 'Most new tokens to generate (also capped by the model context length).', default: 64 }),
    greedy: Flags.boolean({ description: 'Always take the most likely token (temperature 0).', default: false }),
    temperature: Flags.string({ description: 'Sampling temperature (0 = greedy).', default: '1' }),
    'top-k': Flags.integer({ description: 'Sample only among the k most likely tokens (0 = all).' }),
    'top-p': Flags.string({ description: 'Nucleus sampling: the smallest set of tokens with this much probability, in (0, 1].' }),
    seed: Flags.integer({ description: 'Seed of the sampler.', default: 42 }),
    beams: Flags.integer({ description: 'Beam search with this many beams (deterministic; prints the best sequence).' }),
    backend: Flags.string({ description: 'Tensor backend (auto = tensorflow → wasm → cpu).', options: [...BACKEND_NAMES], default: 'auto', env: 'REC_BACKEND' }),
  };

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Generate);
    const given = (name: string) => (metadata.flags as Record<string, { setFromDefault?: boolean } | undefined>)[name]?.setFromDefault !== true && (flags as Record<string, unknown>)[name] !== undefined;
    const format = flags.format as (typeof FORMATS)[number];
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new RecError('E_CONFIG', `unknown checkpoint format "${flags.format}"`, { hint: `use --format ${FORMATS.join(', ')} (auto detects it)` });
    }
    if (flags.steps < 1) throw new RecError('E_CONFIG', `--steps ${flags.steps} must be at least 1`, { hint: 'e.g. --steps 64' });
    const temperature = flags.greedy ? 0 : parseNumber('--temperature', flags.temperature, (x) => x >= 0, 'a number ≥ 0', '0.8');
    if (flags.greedy && given('temperature')) {
      throw new RecError('E_CONFIG', '--greedy and --temperature both set the temperature', { hint: 'drop one (--greedy is --temperature 0)' });
    }
    const topP = flags['top-p'] === undefined ? undefined : parseNumber('--top-p', flags['top-p'], (x) => x > 0 && x <= 1, 'a number in (0, 1]', '0.9');
    const topK = flags['top-k'];
    if (topK !== undefined && topK < 0) throw new RecError('E_CONFIG', `--top-k ${topK} must be ≥ 0`, { hint: 'e.g. --top-k 40 (0 = all tokens)' });
    if (flags.beams !== undefined) {
      if (flags.beams < 1) throw new RecError('E_CONFIG', `--beams ${flags.beams} must be at least 1`, { hint: 'e.g. --beams 4' });
      const sampling = ['greedy', 'temperature', 'top-k', 'top-p'].filter(given);
      if (sampling.length) {
        throw new RecError('E_CONFIG', `--beams is a deterministic search and cannot be combined with ${sampling.map((s) => `--${s}`).join(', ')}`, {
          hint: 'drop the sampling flags, or drop --beams to sample',
        });
      }
    }
    for (const [flag, path] of [['--weights', flags.weights], ['--tokenizer', flags.tokenizer]] as const) {
      if (!existsSync(path)) {
        throw new RecError('E_DATA_MISSING', `${flag} '${path}' does not exist`, { hint: `check the path (relative paths start at ${process.cwd()})` });
      }
    }

    await initBackend({ backend: flags.backend as BackendName });
    // heavy imports here so that `rec --help` stays fast
    const { loadLlamaWeights, loadTokenizer, LlamaModel, generate, beamSearch } = await import('@ed2/backbones');

    const t0 = performance.now();
    const tok = await load(`tokenizer '${flags.tokenizer}'`, () => loadTokenizer(flags.tokenizer)); // small: fail fast
    const weights = await load(`LLaMA checkpoint '${flags.weights}'`, () => loadLlamaWeights(flags.weights, format as LlamaCheckpointFormat | 'auto'));
    checkVocab(weights, tok, flags.weights, flags.tokenizer);
    const prompt = tok.encode(flags.prompt, { bos: true });
    const maxSeqLen = weights.config.maxSeqLen;
    if (prompt.length >= maxSeqLen) {
      throw new RecError('E_CONFIG', `--prompt is ${prompt.length} tokens, the model's context holds ${maxSeqLen}`, { hint: 'shorten the prompt' });
    }
    const model = new LlamaModel(weights.config, weights);
    weights.tensors.clear(); // the model holds its own copies
    const t1 = performance.now();
    let out: number[];
    try {
      if (flags.beams !== undefined) {
        const maxNewTokens = Math.min(flags.steps, maxSeqLen - prompt.length);
        [{ tokens: out }] = beamSearch(model, prompt, { beams: flags.beams, topK: 1, maxNewTokens, eosId: tok.eosId });
      } else {
        out = generate(model, prompt, { maxNewTokens: flags.steps, temperature, topK, topP, eosId: tok.eosId, rng: new Rng(flags.seed) });
      }
    } finally {
      model.dispose();
    }
    const t2 = performance.now();
    this.log(tok.decode([...prompt, ...out]));
    if (flags.verbose) {
      const secs = (t2 - t1) / 1000;
      process.stderr.write(`loaded in ${((t1 - t0) / 1000).toFixed(2)} s; ${out.length} tokens in ${secs.toFixed(2)} s (${(out.length / Math.max(secs, 1e-9)).toFixed(1)} tok/s)\n`);
    }
  }
}

function parseNumber(flag: string, raw: string, ok: (x: number) => boolean, expected: string, example: string): number {
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new RecError('E_CONFIG', `${flag} "${raw}" is not ${expected}`, { hint: `e.g. ${flag} ${example}` });
  return x;
}

/** Loader errors that are not RecErrors yet (a truncated or foreign file) become one naming the file. */
async function load<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (RecError.is(e)) throw e;
    throw new RecError('E_DATA_FORMAT', `cannot read ${what}: ${(e as Error).message}`, {
      cause: e,
      hint: 'weights: llama2.c .bin, .gguf or safetensors (+ config.json); tokenizer: tokenizer.model, tokenizer.json, tokenizer.bin or .gguf',
    });
  }
}

function checkVocab(weights: LlamaWeights, tok: SentencePieceBpe, weightsPath: string, tokPath: string): void {
  const m = weights.config.vocabSize;
  if (tok.vocabSize !== m) {
    throw new RecError('E_SHAPE', `tokenizer '${tokPath}' has ${tok.vocabSize} tokens but the model '${weightsPath}' has a vocabulary of ${m} (vocabSize)`, {
      hint: `pass the tokenizer the model was trained with (${m} tokens), usually the one shipped next to the weights; a .gguf checkpoint embeds its own (--tokenizer <the same .gguf>)`,
    });
  }
}
