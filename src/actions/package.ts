import type { Context } from '../context.js';
import { buildFunctionPackage, type BuildOptions, type FunctionPackage } from '../package/build.js';
import { DEFAULT_ARCH, type Architecture } from '../package/project.js';
import { recordedConfig } from '../state/stack-config.js';
import { readState } from '../state/state-file.js';

export interface PackageOptions extends BuildOptions {
  /** Without --arch: the architecture this stack records (read from its local state, no AWS call). */
  recordedIn?: { stateDir: string; stack: string };
}

/** The stack's recorded architecture, else the default. */
async function defaultArch(recordedIn: PackageOptions['recordedIn']): Promise<Architecture> {
  const state = recordedIn ? await readState(recordedIn.stateDir, recordedIn.stack) : undefined;
  return recordedConfig(state)?.arch ?? DEFAULT_ARCH;
}

/** `thumbs package`: needs no AWS at all, only a reporter for the step line. */
export async function packageFunction(ctx: Pick<Context, 'reporter'>, options: PackageOptions = {}): Promise<FunctionPackage> {
  const { recordedIn, ...build } = options;
  const arch = build.arch ?? (await defaultArch(recordedIn));
  return ctx.reporter.step(`package the function for ${arch}`, () => buildFunctionPackage({ ...build, arch }));
}
