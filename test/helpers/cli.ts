import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const BIN = path.resolve('bin/thumbs.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user with no AWS configuration at all: no credentials, no profile files,
 * and no instance-metadata lookups (tests must never leave the machine).
 */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|THUMBS_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
    CI: 'true',
    ...extra,
  };
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; user?: { uid: number; gid: number } } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: options.env ?? isolatedEnv(), cwd: options.cwd, stdio: 'pipe', ...options.user });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Starts `thumbs dev` and resolves once it has written its endpoints file. */
export async function startDev(stateDir: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'dev'], { env: isolatedEnv({ THUMBS_STATE_DIR: stateDir }), stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const file = path.join(stateDir, 'local.json');
  for (let i = 0; i < 200; i += 1) {
    try {
      await readFile(file, 'utf8');
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`thumbs dev exited: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('close', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
