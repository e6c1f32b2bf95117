// Stored fields read as text: what a column or JSON member holds, never "[object Object]".
import { describe, expect, it } from 'vitest';
import { fieldText } from '../../src/domain/index.js';

describe('fieldText', () => {
  it('keeps strings, spells out numbers and booleans, writes dates in ISO 8601', () => {
    expect(fieldText('E1_HelloSequence')).toBe('E1_HelloSequence');
    expect(fieldText('')).toBe('');
    expect(fieldText(42)).toBe('42');
    expect(fieldText(false)).toBe('false');
    expect(fieldText(new Date('2026-12-01T10:00:00.123Z'))).toBe('2026-12-01T10:00:00.123Z');
  });

  it('reads absent values and objects as empty text', () => {
    expect(fieldText(undefined)).toBe('');
    expect(fieldText(null)).toBe('');
    expect(fieldText({ name: 'x' })).toBe('');
    expect(fieldText(['a'])).toBe('');
  });
});
