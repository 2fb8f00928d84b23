/** The result shape shared by the model comparisons (bootstrap, McNemar, DeLong). */

/**
 * An estimate of a difference between two models with its confidence interval.
 *
 * `estimate`, `low`, `high` and `standardError` are in the metric's unit (a difference of
 * accuracies, of RMSEs in the label's unit, ...); `confidence` in (0, 1); `n` the rows;
 * `resamples` and `seed` for resampling methods (the seed reproduces the result); `pValue` for
 * tests.
 */
export interface IntervalResult {
  estimate: number;
  low: number;
  high: number;
  confidence: number;
  method: string;
  n: number;
  resamples?: number;
  seed?: number;
  standardError?: number;
  pValue?: number;
}

/** Throws a RangeError unless 0 < confidence < 1. */
export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence ${confidence} is not between 0 and 1 (exclusive)`);
}
