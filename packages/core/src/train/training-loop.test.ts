import { describe, expect, it } from 'vitest';
import { RecError } from '../errors/rec-error';
import { EventBus } from '../events/event-bus';
import { runTrainingLoop, type LoopProgress, type StepResult, type TrainingLoopOptions } from './training-loop';

/** A loop over scripted step results (epoch, step) → result; validation improves every epoch. */
function scripted(step: (epoch: number, s: number) => StepResult, extra: Partial<TrainingLoopOptions> = {}) {
  const saved: LoopProgress[] = [];
  const histories: number[] = [];
  const options: TrainingLoopOptions = {
    name: 'toy',
    epochs: 3,
    stepsPerEpoch: 4,
    patience: 10,
    metric: 'ndcg@10',
    events: new EventBus(),
    checkpointDir: '/runs/toy/checkpoint',
    step: async (epoch, s) => step(epoch, s),
    validate: async (epoch) => ({ 'ndcg@10': epoch / 10 }),
    save: async (p) => void saved.push(JSON.parse(JSON.stringify(p)) as LoopProgress),
    snapshotBest: () => undefined,
    restoreBest: () => undefined,
    onEpoch: async (h) => void histories.push(h.length),
    ...extra,
  };
  return { options, saved, histories };
}

describe('runTrainingLoop', () => {
  it('a NaN loss stops the run with E_NUMERIC naming the epoch, the step and the last good checkpoint; nothing of it is kept', async () => {
    const { options, saved, histories } = scripted((e, s) => ({ loss: e === 2 && s === 2 ? Number.NaN : 1 }));
    const err = await runTrainingLoop(options).catch((x: unknown) => x);
    expect(RecError.is(err, 'E_NUMERIC')).toBe(true);
    expect((err as RecError).message).toMatch(/toy: the loss is NaN at epoch 2, step 3 .*last good checkpoint \(at the end of epoch 1\) is \/runs\/toy\/checkpoint/);
    expect((err as RecError).hint).toMatch(/learning rate/);
    // the epoch-1 checkpoint is the only one, and its history has a number for the loss
    expect(saved.map((p) => [p.epoch, p.step])).toEqual([[2, 0]]);
    expect(saved[0].history).toEqual([expect.objectContaining({ epoch: 1, loss: 1 })]);
    expect(histories).toEqual([1]);
  });

  it('names a non-finite loss term and a non-finite gradient, and a mid-epoch checkpoint as the last good one', async () => {
    const term = scripted((e, s) => ({ loss: 1, terms: { llm: 1, id: e === 1 && s === 1 ? Number.POSITIVE_INFINITY : 0.5 } }));
    await expect(runTrainingLoop(term.options)).rejects.toThrow(/the loss term 'id' is Infinity at epoch 1, step 2 .*this training loop wrote no checkpoint yet/);
    const grad = scripted((e, s) => (e === 1 && s === 3 ? { loss: 0.7, nonFiniteGradient: 'encoder/0/wq' } : { loss: 1 }), { checkpointEvery: 2 });
    await expect(runTrainingLoop(grad.options)).rejects.toThrow(/the gradient of encoder\/0\/wq is not finite \(loss 0.7\) at epoch 1, step 4 .*\(at epoch 1, step 2\)/);
    expect(grad.saved.map((p) => [p.epoch, p.step])).toEqual([[1, 2]]);
  });

  it('a non-finite validation metric is E_NUMERIC, a missing one E_CONFIG listing the computed ones', async () => {
    const nan = scripted(() => ({ loss: 1 }), { validate: async () => ({ 'ndcg@10': Number.NaN }) });
    await expect(runTrainingLoop(nan.options)).rejects.toMatchObject({ code: 'E_NUMERIC', message: expect.stringMatching(/validation ndcg@10 is NaN at epoch 1/) });
    const missing = scripted(() => ({ loss: 1 }), { validate: async () => ({ 'ndcg@5': 0.1, 'hr@5': 0.2 }) });
    await expect(runTrainingLoop(missing.options)).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/computed: ndcg@5, hr@5/), hint: expect.stringMatching(/--set metric=ndcg@5.*--ks/) });
  });

  it('epoch means are weighted by the step weights; onEpoch sees every epoch; validateEvery skips validations', async () => {
    let validations = 0;
    const { options, histories } = scripted((_e, s) => ({ loss: s + 1, weight: s === 3 ? 1 : 3 }), {
      epochs: 3,
      validateEvery: 2,
      validate: async () => ({ 'ndcg@10': ++validations }),
    });
    const r = await runTrainingLoop(options);
    // (1·3 + 2·3 + 3·3 + 4·1) / (3 + 3 + 3 + 1) = 22 / 10
    expect(r.progress.history.map((h) => h.loss)).toEqual([2.2, 2.2, 2.2]);
    expect(r.progress.history.map((h) => h.valid !== undefined)).toEqual([false, true, true]); // epoch 2, and the last
    expect(histories).toEqual([1, 2, 3]);
  });

  it('sums the tokens the steps report per epoch, with their seconds; a run interrupted mid-epoch resumes with the same sums', async () => {
    const tokens = (e: number, s: number) => 10 * e + s; // epoch 1: 10+11+12+13 = 46, epoch 2: 20+21+22+23 = 86
    const whole = await runTrainingLoop(scripted((e, s) => ({ loss: 1, tokens: tokens(e, s) }), { epochs: 2 }).options);
    expect(whole.progress.history.map((h) => h.tokens)).toEqual([46, 86]);
    for (const h of whole.progress.history) expect(h.stepSeconds).toBeGreaterThanOrEqual(0);
    // stop after epoch 2, step 2 (a mid-epoch checkpoint every 2 steps), then resume
    const ac = new AbortController();
    const first = scripted((e, s) => {
      if (e === 2 && s === 1) ac.abort();
      return { loss: 1, tokens: tokens(e, s) };
    }, { epochs: 2, checkpointEvery: 2, signal: ac.signal });
    await expect(runTrainingLoop(first.options)).rejects.toMatchObject({ code: 'E_ABORTED' });
    const last = first.saved.at(-1)!;
    expect([last.epoch, last.step, last.epochTokens]).toEqual([2, 2, 41]);
    const resumed = await runTrainingLoop({ ...scripted((e, s) => ({ loss: 1, tokens: tokens(e, s) }), { epochs: 2 }).options, restore: async () => JSON.parse(JSON.stringify(last)) as LoopProgress });
    expect(resumed.progress.history.map((h) => h.tokens)).toEqual([46, 86]);
    // steps that report no tokens leave the history as it was
    const none = await runTrainingLoop(scripted(() => ({ loss: 1 }), { epochs: 1 }).options);
    expect(none.progress.history[0]).not.toHaveProperty('tokens');
  });

  it('the training seconds of a resumed run include those of its earlier attempts', async () => {
    const { options, saved } = scripted(() => ({ loss: 1 }), { epochs: 1 });
    await runTrainingLoop(options);
    const earlier = { ...saved[0], seconds: 1000 };
    const resumed = await runTrainingLoop({ ...options, epochs: 2, restore: async () => earlier });
    expect(resumed.resumedFrom).toEqual({ epoch: 2, step: 0 });
    expect(resumed.seconds).toBeGreaterThanOrEqual(1000);
    expect(resumed.previousSeconds).toBe(1000);
    expect(saved.at(-1)!.seconds).toBeGreaterThanOrEqual(1000);
  });

  it('without validate (an indexer fit) every epoch runs and no best weights are restored; quiet emits no bars and no info lines', async () => {
    let restored = 0;
    const events = new EventBus();
    const seen: string[] = [];
    events.on((e) => seen.push(e.type === 'log' ? `${e.level}` : e.type));
    const { options } = scripted(() => ({ loss: 1 }), { validate: undefined, patience: 1, restoreBest: () => void restored++, events, quiet: true });
    const r = await runTrainingLoop(options);
    expect(r.progress.history).toHaveLength(3);
    expect(restored).toBe(0);
    expect(seen.filter((t) => t === 'progress' || t === 'info')).toEqual([]);
  });
});
