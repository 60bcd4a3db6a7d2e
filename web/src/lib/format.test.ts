import { describe, expect, it } from 'vitest';
import { formatDuration, formatMinutes, formatRelative, initials, parseMinutes } from './format';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('formatDuration (SLA countdowns)', () => {
  it('counts the last hour to the second', () => {
    expect(formatDuration(42 * M + 5 * S)).toBe('42m 05s');
    expect(formatDuration(59 * S)).toBe('59s');
    expect(formatDuration(59 * M + 59 * S + 999)).toBe('59m 59s');
  });

  it('counts hours to the minute, and days to the hour', () => {
    expect(formatDuration(H)).toBe('1h');
    expect(formatDuration(3 * H + 20 * M + 30 * S)).toBe('3h 20m');
    expect(formatDuration(24 * H)).toBe('1d');
    expect(formatDuration(2 * 24 * H + 4 * H + 59 * M)).toBe('2d 4h');
  });

  it('reads overruns the same way (the caller says "overdue")', () => {
    expect(formatDuration(-(2 * H + 5 * M))).toBe('2h 5m');
  });
});

describe('business minutes', () => {
  it('formats targets in hours and minutes', () => {
    expect(formatMinutes(90)).toBe('1h 30m');
    expect(formatMinutes(480)).toBe('8h');
    expect(formatMinutes(45)).toBe('45m');
    expect(formatMinutes(0)).toBe('0m');
    expect(formatMinutes(-30)).toBe('−30m');
  });

  it('parses what people type', () => {
    expect(parseMinutes('1h 30m')).toBe(90);
    expect(parseMinutes('1h30m')).toBe(90);
    expect(parseMinutes('1.5h')).toBe(90);
    expect(parseMinutes('45m')).toBe(45);
    expect(parseMinutes(' 240 ')).toBe(240);
    expect(parseMinutes('8H')).toBe(480);
    expect(parseMinutes('')).toBeNull();
    expect(parseMinutes('soon')).toBeNull();
    expect(parseMinutes('h')).toBeNull();
  });
});

describe('relative times and initials', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it('says how long ago, briefly', () => {
    expect(formatRelative('2026-11-22T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-11-22T11:15:00Z', now)).toBe('45 min ago');
    expect(formatRelative('2026-11-22T07:00:00Z', now)).toBe('5 h ago');
    expect(formatRelative('2026-11-21T10:00:00Z', now)).toBe('yesterday');
  });
  it('takes initials from the first and last names', () => {
    expect(initials('Ada King Lovelace')).toBe('AL');
    expect(initials('  grace ')).toBe('G');
  });
});
