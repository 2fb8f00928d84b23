export * from './sketch.js';
export * from './hll.js';
export * from './profile.js';
