import { KllSketch, type KllJSON } from '@modelship/stats';

/**
 * Differences between two column profiles (JSON) built from the same values in different orders or
 * parts (one thread vs two halves merged). Everything must agree exactly except:
 * - fractions (running mean and variance merged from halves differ in the last bits): 1e-9 relative;
 * - what a numeric column's KLL sketch answers (`sketch`, `quantiles`, `histogram.counts`): a merged
 *   sketch holds different items than a one-pass sketch, but each estimates every rank within its
 *   tallied worst-case error W (Karnin, Lang & Liberty 2016, Lemma 1; `KllJSON.worst`), so the two
 *   estimates of the rank of any x differ by at most W1 + W2. That is checked at every histogram
 *   edge (the cumulative counts) and at every quantile of either side; the counts, exact min and max
 *   and the histogram edges must agree exactly. While both sketches are exact (W = 0) every rank
 *   must agree exactly.
 */
export function profileDifferences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b)))
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
  if (path.endsWith('.numeric') && isNumeric(a) && isNumeric(b)) return numericDifferences(a, b, path);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) =>
    profileDifferences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`),
  );
}

interface NumericJSON {
  quantiles: Record<string, number>;
  histogram: { edges: number[]; counts: number[] };
  sketch: KllJSON;
}

function isNumeric(v: object): v is NumericJSON {
  return 'sketch' in v && 'histogram' in v && 'quantiles' in v;
}

function numericDifferences(a: NumericJSON, b: NumericJSON, path: string): string[] {
  const { quantiles: qa, histogram: ha, sketch: sa, ...restA } = a;
  const { quantiles: qb, histogram: hb, sketch: sb, ...restB } = b;
  const out = profileDifferences(restA, restB, path);
  out.push(...profileDifferences(ha.edges, hb.edges, `${path}.histogram.edges`));
  out.push(...profileDifferences(sa.n, sb.n, `${path}.sketch.n`));
  out.push(...profileDifferences(sa.min, sb.min, `${path}.sketch.min`));
  out.push(...profileDifferences(sa.max, sb.max, `${path}.sketch.max`));
  const ka = KllSketch.fromJSON(sa);
  const kb = KllSketch.fromJSON(sb);
  const allowed = sa.worst + sb.worst;
  const cum = (counts: number[]): number[] =>
    counts.map((_, i) => counts.slice(0, i + 1).reduce((s, c) => s + c, 0));
  const ca = cum(ha.counts);
  const cb = cum(hb.counts);
  if (ca.length !== cb.length) out.push(`${path}.histogram.counts: ${ca.length} vs ${cb.length} bins`);
  ca.forEach((c, i) => {
    if (Math.abs(c - (cb[i] ?? NaN)) > allowed)
      out.push(`${path}.histogram.counts (cumulative, bin ${i}): ${c} vs ${cb[i]}, allowed ±${allowed}`);
  });
  for (const x of [...Object.values(qa), ...Object.values(qb)]) {
    const d = Math.abs(ka.rank(x) - kb.rank(x));
    if (d > allowed)
      out.push(`${path}.quantiles: rank of ${x} ${ka.rank(x)} vs ${kb.rank(x)}, allowed ±${allowed}`);
  }
  return out;
}
