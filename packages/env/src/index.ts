export * from './types.js';
export * from './errors.js';
export * from './cache.js';
export * from './build-once.js';
export * from './registry.js';
export * from './lock.js';
export * from './environments.js';
