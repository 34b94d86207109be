import { describe, expect, it } from 'vitest';
import { fileSizeText } from './recordings.js';

describe('fileSize as 2.19 shows it', () => {
  it('is MiB with at most two decimals', () => {
    expect(fileSizeText(45 * 1024 * 1024)).toBe('45MB');
    expect(fileSizeText(1.5 * 1024 * 1024)).toBe('1.5MB');
    expect(fileSizeText(27_091)).toBe('0.03MB');
    expect(fileSizeText(2 * 1024 ** 3)).toBe('2048MB');
  });

  it('never shows a file with content as 0MB', () => {
    expect(fileSizeText(1)).toBe('0.01MB');
    expect(fileSizeText(0)).toBe('0MB');
  });
});
