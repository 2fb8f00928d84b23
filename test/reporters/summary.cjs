// Prints one plain closing line after jest's own summary — "tests: N passed, N failed" (and
// skipped) — so the last line of `npm test` is a summary any CI log reader can parse. A suite that
// fails to load counts as a failure. Written at process exit, so it comes after jest's summary.
const { writeSync } = require('node:fs');

class PlainSummaryReporter {
  onRunComplete(_contexts, r) {
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    const skipped = r.numPendingTests + r.numTodoTests;
    const line = `tests: ${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => writeSync(2, line));
  }
}
module.exports = PlainSummaryReporter;
