/** Helpers on plain number vectors shared by the statistics. */

/** Sum of the entries (0 for an empty vector). */
export function sum(a: readonly number[]): number {
  let s = 0;
  for (const x of a) s += x;
  return s;
}

/** The vector divided by its sum, so it sums to 1; all zeros when the sum is not positive. */
export function normalise(a: readonly number[]): number[] {
  const s = sum(a);
  return a.map((x) => (s > 0 ? x / s : 0));
}

/** Throws a RangeError when the two vectors differ in length. */
export function checkSameLength(p: readonly number[], q: readonly number[]): void {
  if (p.length !== q.length)
    throw new RangeError(`share vectors differ in length (${p.length} vs ${q.length})`);
}
