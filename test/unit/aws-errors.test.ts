import { describe, expect, it } from 'vitest';
import { explainAwsError, isNotFound } from '../../src/aws/aws-errors.js';
import type { AwsTarget } from '../../src/aws/target.js';
import { ThumbsError } from '../../src/errors.js';

const aws: AwsTarget = { backend: 'aws', region: 'us-east-1', profile: 'lab', endpoints: undefined };
const local: AwsTarget = { backend: 'embedded', region: 'us-east-1', profile: undefined, endpoints: { s3: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2' } };
const named = (name: string, message: string, status?: number) => Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('explainAwsError', () => {
  it('turns missing credentials into one message naming the profile and how to fix it', () => {
    const error = explainAwsError(named('CredentialsProviderError', 'Could not load credentials from any providers'), aws) as ThumbsError;
    expect(error).toBeInstanceOf(ThumbsError);
    expect(error.code).toBe('credentials-missing');
    expect(error.message).toMatch(/profile lab/);
    expect(error.hint).toMatch(/aws sso login|aws configure/);
  });

  it('recognises expired session credentials', () => {
    const error = explainAwsError(named('ExpiredTokenException', 'The security token included in the request is expired'), aws) as ThumbsError;
    expect(error.code).toBe('credentials-expired');
    expect(error.hint).toMatch(/Refresh/);
  });

  it('names the endpoint that refused, and says to start thumbs dev on the embedded backend', () => {
    const error = explainAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), local) as ThumbsError;
    expect(error.code).toBe('endpoint-unreachable');
    expect(error.message).toMatch(/http:\/\/127\.0\.0\.1:1/);
    expect(error.hint).toMatch(/thumbs dev/);
  });

  it('explains AccessDenied and passes other errors through untouched', () => {
    expect((explainAwsError(named('AccessDenied', 'User x is not authorized to perform: iam:CreateRole', 403), aws) as ThumbsError).code).toBe('access-denied');
    const other = named('ValidationException', 'bad');
    expect(explainAwsError(other, aws)).toBe(other);
  });

  it('gives AWS refusals it has no special words for a hint to repeat, not a "bug" label', () => {
    const busy = explainAwsError(named('ResourceInUseException', 'Table is being created', 400), aws) as ThumbsError;
    expect(busy.code).toBe('aws-error');
    expect(busy.message).toBe('AWS answered ResourceInUseException: Table is being created');
    expect(busy.hint).toMatch(/safe to repeat/);
    const recent = explainAwsError(named('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue', 400), aws) as ThumbsError;
    expect(recent.code).toBe('queue-deleted-recently');
    expect(recent.hint).toMatch(/Wait a minute/);
  });

  it('counts NotFound answers of every service as gone, but not a 404 AccessDenied', () => {
    for (const name of ['NoSuchBucket', 'ResourceNotFoundException', 'QueueDoesNotExist', 'NoSuchEntity', 'NotFound']) expect(isNotFound(named(name, 'x'))).toBe(true);
    expect(isNotFound(named('ThrottlingException', 'slow', 400))).toBe(false);
  });
});
