// Which thrown errors the error handler answers as the caller's fault (4xx quoting the message) and
// which as a server failure (500, message kept out of the body): errors other libraries throw with
// a 4xx status of their own must not reach a caller as a 400 that quotes a service.

import { RestError } from '@azure/core-rest-pipeline';
import { AuthenticationError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { toDomainError } from '../../src/plugins/error-handler.js';

describe('error mapping', () => {
  it('answers storage and identity errors with a 4xx status as 500, without their text', () => {
    const entra = new AuthenticationError(400, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.',
    });
    const storage = new RestError('The table specified does not exist.\nRequestId:1', { statusCode: 404 });
    for (const error of [entra, storage]) {
      const mapped = toDomainError(error);
      expect([mapped.code, mapped.message], error.name).toEqual(['InternalError', 'Something went wrong while processing the request.']);
    }
  });

  it("keeps Fastify's own 4xx errors and exposed http-errors as client errors", () => {
    const fastify = Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    expect(toDomainError(fastify).code).toBe('UnsupportedMediaType');
    const range = Object.assign(new Error('Range Not Satisfiable'), { statusCode: 416, status: 416, expose: true });
    expect([toDomainError(range).code, toDomainError(range).message]).toEqual(['BadRequest', 'Range Not Satisfiable']);
  });
});
