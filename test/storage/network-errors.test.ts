// Which failures count as "storage never answered": the adapter turns exactly these into a 503
// StorageUnavailable (and the worker into a retry), and names the cause for the log.

import { RestError } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { NETWORK_ERROR_CODES } from '../../src/domain/index.js';
import { isUnreachable, unreachableReason } from '../../src/storage/azure/clients.js';

const withCode = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

describe('unreachable storage', () => {
  it('is every network error code of the shared list, named by its code', () => {
    expect([...NETWORK_ERROR_CODES]).toEqual(expect.arrayContaining(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH']));
    for (const code of NETWORK_ERROR_CODES) {
      expect(isUnreachable(withCode(code)), code).toBe(true);
      expect(unreachableReason(withCode(code))).toBe(code);
    }
  });

  it('is an attempt the SDK aborted after its time limit', () => {
    const aborted = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(isUnreachable(aborted)).toBe(true);
    expect(unreachableReason(aborted)).toBe('AbortError');
  });

  it('is not an answer from storage, whatever its status, nor an unknown code', () => {
    expect(isUnreachable(new RestError('Server busy', { statusCode: 503, code: 'ServerBusy' }))).toBe(false);
    expect(isUnreachable(Object.assign(new RestError('reset', { statusCode: 500 }), { code: 'ECONNRESET' }))).toBe(false);
    expect(isUnreachable(withCode('ERR_INVALID_ARG_TYPE'))).toBe(false);
    expect(isUnreachable(undefined)).toBe(false);
  });
});
