export * from './sketch.js';
export * from './hll.js';
export * from './profile.js';
export { lnGamma, gammaQ, kolmogorovSurvival } from './special.js';
export { chiSquarePValue, chiSquareTest, ksPValue, ksFromSamples, ksFromSketches } from './tests.js';
export {
  PSI_EPSILON,
  psi,
  jsDistance,
  linfDistance,
  wassersteinFromSamples,
  wassersteinFromSketches,
} from './distances.js';
export { decileEdges, binShares } from './bins.js';
export { sum } from './vectors.js';
