import type { Context } from '../context.js';
import { readFunction, settle, updateCode } from '../resources/function.js';
import { ThumbsError } from '../errors.js';
import { buildFunctionPackage, type FunctionPackage } from '../package/build.js';
import { ARCHITECTURES, DEFAULT_ARCH, type Architecture } from '../package/project.js';
import { openStack } from '../state/open-stack.js';
import { describeChange, mergeConfig, recordedConfig } from '../state/stack-config.js';

export interface DeployOptions {
  /** Default: the recorded architecture (x86_64 when unknown); a different one is recorded, as provision would. */
  arch?: Architecture;
  /** For tests and benchmarks; default buildFunctionPackage. */
  buildPackage?: (arch: Architecture) => Promise<FunctionPackage>;
}

export interface DeployResult {
  stack: string;
  function: string;
  arch: Architecture;
  /** unchanged: the deployed CodeSha256 already matched, nothing was uploaded. */
  status: 'updated' | 'unchanged';
  bytes: number;
  sha256: string;
  seconds: number;
}

function recordedArch(value: string | undefined): Architecture | undefined {
  return (ARCHITECTURES as readonly string[]).includes(value ?? '') ? (value as Architecture) : undefined;
}

/**
 * `thumbs deploy`, the fast path after editing lambda/: rebuild, compare the zip's SHA-256 with the
 * deployed CodeSha256, and upload only when they differ. Configuration is provision's job.
 */
export async function deploy(ctx: Context, options: DeployOptions = {}): Promise<DeployResult> {
  const started = performance.now();
  if (!ctx.capabilities.hasControlPlane) {
    throw new ThumbsError('no-lambda', 'the embedded backend has no Lambda to deploy to', {
      hint: 'Locally the worker runs lambda/ straight from source; restart it to pick up changes. Deploy targets AWS or --endpoint-url.',
      exitCode: 2,
    });
  }
  const { stack, names, store } = await openStack(ctx);
  const recorded = store.current.config ? recordedConfig(store.current) : undefined;
  const arch = options.arch ?? recorded?.arch ?? recordedArch(store.get('function')?.extra?.arch) ?? DEFAULT_ARCH;
  // --arch is a choice like provision's: recorded, so the next provision keeps it instead of switching back.
  const merged = recorded && options.arch ? mergeConfig(recorded, { arch: options.arch }) : undefined;
  for (const change of merged?.changes ?? []) ctx.reporter.info(describeChange(change));
  const build = options.buildPackage ?? ((a: Architecture) => buildFunctionPackage({ arch: a }));
  // The build is local and the read is one round trip, so they overlap.
  const [pkg, current] = await Promise.all([ctx.reporter.step(`package ${arch}`, () => build(arch)), readFunction(ctx, names.function)]);
  if (!current?.Configuration) {
    throw new ThumbsError('not-provisioned', `function ${names.function} does not exist`, {
      hint: `Run \`thumbs provision${stack === 'default' ? '' : ` --stack ${stack}`}\` first; it creates the role, function and trigger.`,
    });
  }
  const same = current.Configuration.CodeSha256 === pkg.sha256 && current.Configuration.Architectures?.[0] === arch;
  if (!same) {
    const configuration = current.Configuration;
    await ctx.reporter.step(`upload ${names.function}`, async () => {
      await settle(ctx, configuration);
      await updateCode(ctx, { name: names.function, zipPath: pkg.zipPath, arch });
    });
    const recorded = store.get('function') ?? { id: names.function, origin: 'created' as const };
    // The record is what `status` compares the function with: the new code is now what thumbs set.
    await store.record('function', { ...recorded, extra: { ...recorded.extra, arch, codeSha256: pkg.sha256 } });
  }
  if (merged?.changes.length) await store.recordConfig(merged.config);
  return {
    stack,
    function: names.function,
    arch,
    status: same ? 'unchanged' : 'updated',
    bytes: pkg.bytes,
    sha256: pkg.sha256,
    seconds: (performance.now() - started) / 1000,
  };
}
