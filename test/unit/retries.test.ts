import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { endpointTarget } from '../../src/aws/target.js';

/** retryMode is typed string | Provider<string>; the SDK always resolves it to a provider. */
const modeOf = (config: { retryMode: string | (() => Promise<string>) }) =>
  typeof config.retryMode === 'string' ? Promise.resolve(config.retryMode) : config.retryMode();

/** Every client thumbs builds resolves its retries the SDK's way; only the default differs (5, not 3). */
describe('retries', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-retries-'));
    vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
    vi.stubEnv('AWS_RETRY_MODE', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', path.join(dir, 'none'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'none'));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  const clientsFor = (profile?: string) => createClients(endpointTarget('http://127.0.0.1:1', 'us-east-1', profile), { region: 'us-east-1' });

  it('defaults to 5 attempts in standard mode, on a custom endpoint too', async () => {
    const clients = clientsFor();
    expect(await clients.sqs.config.maxAttempts()).toBe(5);
    expect(await clients.s3.config.maxAttempts()).toBe(5);
    expect(await modeOf(clients.sqs.config)).toBe('standard');
    clients.destroy();
  });

  it('follows AWS_MAX_ATTEMPTS and AWS_RETRY_MODE', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '8');
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    const clients = clientsFor();
    expect(await clients.dynamodb.config.maxAttempts()).toBe(8);
    expect(await modeOf(clients.dynamodb.config)).toBe('adaptive');
    clients.destroy();
  });

  it("follows the profile's max_attempts and retry_mode", async () => {
    const config = path.join(dir, 'config');
    await writeFile(config, '[profile lab]\nmax_attempts = 9\nretry_mode = adaptive\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    const clients = clientsFor('lab');
    expect(await clients.s3.config.maxAttempts()).toBe(9);
    expect(await modeOf(clients.s3.config)).toBe('adaptive');
    clients.destroy();
  });
});
