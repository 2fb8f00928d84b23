export * from './clients.js';
export * from './errors.js';
export * from './s3.js';
export * from './documents.js';
export * from './hash.js';
