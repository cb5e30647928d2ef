import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveSettings, type Settings } from '../../src/config/settings.js';
import { createContext, type Context } from '../../src/context.js';
import { MemoryReporter } from '../../src/output/reporter.js';

/**
 * A context aimed at "real AWS" whose clients are intercepted by aws-sdk-client-mock
 * (call mockClient(S3Client) etc. in the test before sending). Nothing leaves the process.
 */
export async function mockAwsContext(overrides: Partial<Settings> = {}): Promise<{ ctx: Context; reporter: MemoryReporter; stateDir: string }> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-mock-state-'));
  const reporter = new MemoryReporter();
  const settings: Settings = { ...resolveSettings({}, {}), stateDir, region: 'us-east-1', yes: true, ...overrides };
  const ctx = await createContext(
    settings,
    {
      backend: 'aws',
      region: settings.region,
      profile: undefined,
      endpoints: undefined,
      credentials: { accessKeyId: 'AKIDMOCK', secretAccessKey: 'mock' },
    },
    reporter,
    async () => settings.yes,
  );
  return { ctx, reporter, stateDir };
}
