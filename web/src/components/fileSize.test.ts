import { describe, expect, it } from 'vitest';
import { formatBytes } from './fileSize';

describe('file sizes', () => {
  it('reads like people write them', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(14 * 1024)).toBe('14 KB');
    expect(formatBytes(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });
});
