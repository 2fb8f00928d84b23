import { describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '@modelship/core';
import { formatElapsed, ProgressPrinter } from '../src/progress.js';

describe('formatElapsed', () => {
  it('reads like a duration', () => {
    expect(formatElapsed(7_000)).toBe('7s');
    expect(formatElapsed(250_000)).toBe('4m10s');
    expect(formatElapsed(3_725_000)).toBe('1h02m05s');
    expect(formatElapsed(-5)).toBe('0s');
  });
});

describe('ProgressPrinter', () => {
  it('prints each transition once and each status change, with time and elapsed time', () => {
    const log = new MemoryLogger();
    let t = Date.parse('2026-11-22T09:02:00Z');
    const printer = new ProgressPrinter(log, () => t, 'endpoint');
    const createdAt = '2026-11-22T09:00:00Z';
    const starting = { status: 'Starting', startTime: '2026-11-22T09:00:00Z', message: 'Launching' };
    printer.update({ status: 'Creating', createdAt, transitions: [starting] });
    printer.update({ status: 'Creating', createdAt, transitions: [starting] });
    t += 65_000;
    printer.update({ status: 'InService', secondaryStatus: 'Ready', createdAt, transitions: [starting] });
    expect(log.lines).toEqual([
      '[09:00:00Z +0s] Starting: Launching',
      '[09:02:00Z +2m00s] endpoint status: Creating',
      '[09:03:05Z +3m05s] endpoint status: InService (Ready)',
    ]);
  });
});
