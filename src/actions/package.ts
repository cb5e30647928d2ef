import type { Context } from '../context.js';
import { buildFunctionPackage, type BuildOptions, type FunctionPackage } from '../package/build.js';

export type PackageOptions = BuildOptions;

/** `thumbs package`: needs no AWS at all, only a reporter for the step line. */
export async function packageFunction(ctx: Pick<Context, 'reporter'>, options: PackageOptions = {}): Promise<FunctionPackage> {
  const arch = options.arch ?? 'x86_64';
  return ctx.reporter.step(`package the function for ${arch}`, () => buildFunctionPackage({ ...options, arch }));
}
