// deploy-canary's number inputs, from a trial: canary-percent 0 and -5 were refused in two
// different wordings (the input schema's and resolvePlan's), and 0x10 was taken for 16.
import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseInputs } from '@modelship/core';
import { deployStep } from '../src/definition.js';

async function line(raw: Record<string, string>): Promise<string> {
  try {
    await parseInputs(deployStep, raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.line;
    throw err;
  }
  return 'accepted';
}

describe('deploy-canary number inputs', () => {
  it('canary-percent 0, -5 and 101 are refused in the same words', async () => {
    for (const v of ['0', '-5', '101', '-0.5'])
      expect(await line({ 'canary-percent': v })).toBe(
        `input 'canary-percent': must be a number above 0 and at most 100, got ${v}`,
      );
    expect(await line({ 'canary-percent': '0.5' })).toBe('accepted');
    expect(await line({ 'canary-percent': '100' })).toBe('accepted');
  });

  it('numbers are plain decimal: 0x10, 1e1 and Infinity are refused', async () => {
    expect(await line({ 'canary-percent': '0x10' })).toBe(
      "input 'canary-percent': must be a number above 0 and at most 100, got 0x10 (write it in decimal)",
    );
    expect(await line({ 'timeout-minutes': '1e1' })).toBe(
      "input 'timeout-minutes': must be a number at least 0, got 1e1 (write it in decimal)",
    );
    expect(await line({ 'timeout-minutes': 'Infinity' })).toBe(
      "input 'timeout-minutes': must be a number at least 0, got Infinity",
    );
  });
});
