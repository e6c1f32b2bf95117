// What a thrown non-Error becomes (as the Azure Functions Node worker's ensureErrorType does it).
import { describe, expect, it } from 'vitest';
import { errorFromThrown } from '../../src/worker/thrown-error.js';

describe('errorFromThrown', () => {
  it('keeps Errors, strings as they are, objects as JSON, other values as text', () => {
    const error = new TypeError('t');
    expect(errorFromThrown(error)).toBe(error);
    expect(errorFromThrown('words').message).toBe('words');
    expect(errorFromThrown({ code: 42, nested: { a: [1] } }).message).toBe('{"code":42,"nested":{"a":[1]}}');
    expect(errorFromThrown(7).message).toBe('7');
    expect(errorFromThrown(false).message).toBe('false');
    expect(errorFromThrown(undefined).message).toBe('Unknown error');
    expect(errorFromThrown(null).message).toBe('Unknown error');
  });

  it('falls back to text for objects JSON cannot hold', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorFromThrown(circular).message).toBe('[object Object]');
    expect(errorFromThrown({ n: 1n }).message).toBe('[object Object]');
  });
});
