import { EventBus } from '@ed2/core';
import { describe, expect, it } from 'vitest';
import { renderProgress } from './progress-renderer';

describe('renderProgress without bars (off a terminal)', () => {
  it('the line of a finished operation keeps its last live numbers (the epoch loss) when done() brings none', () => {
    const events = new EventBus();
    const lines: string[] = [];
    const stop = renderProgress(events, { bars: false, write: (l) => lines.push(l) });
    const bar = events.progress('train/x', 'epoch 1/2', 2, 'step');
    bar.tick(1, { loss: 1.25 });
    bar.tick(1, { loss: 0.75, 'seq/s': 10 });
    bar.done();
    const other = events.progress('eval/x', 'evaluate', 3, 'case');
    other.done({ 'hr@10': 0.5 });
    stop();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^epoch 1\/2: 2\/2 step in \d+\.\ds loss 0\.75 {2}seq\/s 10$/);
    expect(lines[1]).toMatch(/hr@10 0\.5$/);
  });
});
