import { RecError } from '../errors/rec-error';
import type { LearningRateSchedule } from './adamw';

export interface WarmupScheduleOptions {
  /** Peak learning rate, reached at the end of warm-up. */
  readonly peak: number;
  /** Total number of optimizer steps of the run. */
  readonly totalSteps: number;
  /** Linear warm-up steps from ~0 to `peak` (default 0). */
  readonly warmupSteps?: number;
  /** Shape of the decay after warm-up (default cosine). `constant` keeps `peak`. */
  readonly decay?: 'cosine' | 'linear' | 'constant';
  /** Learning rate at the last step, as a fraction of `peak` (default 0). */
  readonly minRatio?: number;
}

/**
 * Linear warm-up then cosine or linear decay to `peak·minRatio` at `totalSteps` (held there after).
 * Steps are 1-based, as `AdamW` passes them: step 1 gets `peak/warmupSteps`.
 */
export function warmupSchedule(options: WarmupScheduleOptions): LearningRateSchedule {
  const { peak, totalSteps, warmupSteps = 0, decay = 'cosine', minRatio = 0 } = options;
  if (!(peak >= 0) || !Number.isFinite(peak)) throw new RecError('E_CONFIG', `warmupSchedule: peak must be a finite number ≥ 0, got ${peak}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new RecError('E_CONFIG', `warmupSchedule: totalSteps must be an integer ≥ 1, got ${totalSteps}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new RecError('E_CONFIG', `warmupSchedule: warmupSteps must be an integer in [0, totalSteps=${totalSteps}], got ${warmupSteps}`);
  }
  if (!(minRatio >= 0 && minRatio <= 1)) throw new RecError('E_CONFIG', `warmupSchedule: minRatio must be in [0, 1], got ${minRatio}`);
  const floor = peak * minRatio;
  const decaySteps = totalSteps - warmupSteps;
  return (step: number) => {
    if (step <= warmupSteps) return (peak * Math.max(step, 0)) / warmupSteps;
    if (decay === 'constant' || decaySteps === 0) return peak;
    const progress = Math.min(1, (step - warmupSteps) / decaySteps);
    const shape = decay === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
    return floor + (peak - floor) * shape;
  };
}
