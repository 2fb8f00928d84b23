/**
 * jest globalTeardown. Nothing global to stop: every moto server is owned by the test file that
 * started it (see moto.ts) and dies with its jest worker.
 */
export default async function globalTeardown(): Promise<void> {}
