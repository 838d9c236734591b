import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { callAws, hasName, toWorkflowError } from '../../functions/aws/error-mapping.js';
import { ConflictError, InternalServerError, NetworkError, ThrottlingError } from '../../functions/runtime/errors.js';
import { cloudFormationError, cloudFormationThrottling, networkError, protonError, taggingThrottled } from '../helpers/sdk-fixtures.js';

const ACTION = 'DeleteStack arn:aws:cloudformation:us-east-1:111122223333:stack/x/1';

describe('toWorkflowError', () => {
  it.each([
    ['Proton ThrottlingException', protonError.throttling],
    ['CloudFormation Throttling', cloudFormationThrottling],
    ['Tagging API ThrottledException', taggingThrottled],
  ])('maps %s to ThrottlingError (name ThrottlingException)', (_service, build) => {
    const mapped = toWorkflowError(build(), ACTION);
    expect(mapped).toBeInstanceOf(ThrottlingError);
    expect(mapped).toHaveProperty('name', 'ThrottlingException');
  });

  it('maps S3 SlowDown to ThrottlingException', () => {
    const slowDown = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
      message: 'Please reduce your request rate.',
    });
    expect(toWorkflowError(slowDown, ACTION)).toHaveProperty('name', 'ThrottlingException');
  });

  it('maps an error the SDK marks as throttling, whatever its name, to ThrottlingException', () => {
    const marked = Object.assign(cloudFormationError('RateLimited', 'slow down'), { $retryable: { throttling: true } });
    expect(toWorkflowError(marked, ACTION)).toHaveProperty('name', 'ThrottlingException');
  });

  it('says what the caller was doing and keeps the SDK message', () => {
    expect(toWorkflowError(cloudFormationThrottling(), ACTION)).toHaveProperty('message', `${ACTION}: Rate exceeded`);
  });

  it('keeps the SDK error as the cause', () => {
    const original = protonError.conflict();
    expect(toWorkflowError(original, ACTION)).toHaveProperty('cause', original);
  });

  it('maps ConflictException to ConflictError (name ConflictException)', () => {
    const mapped = toWorkflowError(protonError.conflict(), ACTION);
    expect(mapped).toBeInstanceOf(ConflictError);
    expect(mapped).toHaveProperty('name', 'ConflictException');
  });

  it("maps a server fault ($fault 'server') to InternalServerError (name InternalServerException)", () => {
    const mapped = toWorkflowError(protonError.internal(), ACTION);
    expect(mapped).toBeInstanceOf(InternalServerError);
    expect(mapped).toHaveProperty('name', 'InternalServerException');
  });

  it('maps any 5xx answer to InternalServerException, even when not marked a server fault', () => {
    const unavailable = Object.assign(cloudFormationError('ServiceUnavailable', 'Service unavailable', 503), { $fault: 'client' as const });
    expect(toWorkflowError(unavailable, ACTION)).toHaveProperty('name', 'InternalServerException');
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED'])(
    'maps a network failure with code %s to NetworkError, naming the code',
    (code) => {
      const mapped = toWorkflowError(networkError.code(code), ACTION);
      expect(mapped).toBeInstanceOf(NetworkError);
      expect(mapped).toMatchObject({ name: 'NetworkError', message: expect.stringContaining(`${ACTION}: ${code}: `) });
    },
  );

  it("maps the SDK's TimeoutError to NetworkError", () => {
    expect(toWorkflowError(networkError.timeout(), ACTION)).toHaveProperty('name', 'NetworkError');
  });

  it.each([
    ['AccessDeniedException', protonError.accessDenied],
    ['UnrecognizedClientException', protonError.unrecognizedClient],
    ['UnknownOperationException', protonError.unknownOperation],
    ['ResourceNotFoundException', protonError.notFound],
    ['ValidationError', () => cloudFormationError('ValidationError', 'Stack name is invalid')],
  ])('returns %s unchanged', (name, build) => {
    const original = build();
    const mapped = toWorkflowError(original, ACTION);
    expect(mapped).toBe(original);
    expect(mapped).toHaveProperty('name', name);
  });

  it('returns a value that is not an error unchanged', () => {
    expect(toWorkflowError('boom', ACTION)).toBe('boom');
  });
});

describe('callAws', () => {
  it("returns the call's result", async () => {
    await expect(callAws(ACTION, async () => 42)).resolves.toBe(42);
  });

  it("rethrows the call's error under the workflow's name for it", async () => {
    await expect(callAws(ACTION, () => Promise.reject(taggingThrottled()))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: `${ACTION}: Rate exceeded`,
    });
  });

  it('rethrows an error with no workflow meaning as it is', async () => {
    const denied = protonError.accessDenied();
    await expect(callAws(ACTION, () => Promise.reject(denied))).rejects.toBe(denied);
  });
});

describe('hasName', () => {
  it('recognizes an SDK error by one of the given names', () => {
    expect(hasName(protonError.notFound(), 'ValidationError', 'ResourceNotFoundException')).toBe(true);
  });

  it('does not recognize an error by another name', () => {
    expect(hasName(protonError.conflict(), 'ResourceNotFoundException')).toBe(false);
  });

  it('does not recognize a value that is not an object', () => {
    expect(hasName(undefined, 'ResourceNotFoundException')).toBe(false);
  });
});
