import { describe, expect, it } from '@jest/globals';
import { formatNumber } from '@modelship/core';

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'], // from a trial: a difference of -0 was printed "-0"
    [1234, '1,234'],
    [0.123456, '0.1235'],
    [-0.00001234, '-1.23e-5'],
    [25_000_000.5, '2.50e+7'],
    [Infinity, '∞'],
    [-Infinity, '-∞'],
    [NaN, '–'],
    [undefined, '–'],
  ])('%p → %s', (v, expected) => {
    expect(formatNumber(v)).toBe(expected);
  });
});
