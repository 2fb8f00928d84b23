export * from './evaluate-config.js';
export * from './evaluate.js';
