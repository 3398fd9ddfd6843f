/**
 * gBCE's positive-term exponent for one uniform negative per position (gSASRec, Petrov & Macdonald 2023):
 * α = 1/(numItems − 1) is the sampling rate, β = α·(t·(1 − 1/α) + 1/α); t = 0 gives β = 1 (plain BCE).
 */
export function gbceBeta(t: number, numItems: number): number {
  if (t === 0) return 1;
  const alpha = 1 / Math.max(1, numItems - 1);
  return alpha * (t * (1 - 1 / alpha) + 1 / alpha);
}
