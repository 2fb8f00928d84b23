export * from './clients.js';
export * from './s3.js';
