export * from './sketch.js';
export * from './hll.js';
