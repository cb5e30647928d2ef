import { GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { isAccessDenied, isNotFound } from '../aws/aws-errors.js';
import { LAB_ROLE } from '../resources/role.js';
import { ARCHITECTURES, DEFAULT_ARCH, lockedSharpVersion, projectRoot, type Architecture } from '../package/project.js';
import { missingBinaries, stageSharp, stagingDir } from '../package/sharp-staging.js';
import { credentialsMissing, embeddedSkip, failureOf, skippedOnEmbedded } from './credentials.js';
import type { Check, CheckOutcome } from './types.js';
import { controlPlane } from '../aws/control-plane.js';

/**
 * Can provision get an execution role? iam:SimulatePrincipalPolicy is itself usually denied, so use
 * cheaper signals: a LabRole means a lab account (CreateRole denied, LabRole adopted); a readable
 * IAM (ListRoles) means a normal account where CreateRole is likely allowed.
 */
export const functionRoleCheck: Check = {
  name: 'function role',
  applies: skippedOnEmbedded,
  skipped: embeddedSkip,
  async run(d): Promise<CheckOutcome> {
    const missing = await credentialsMissing(d);
    if (missing) return missing;
    try {
      const { Role } = await controlPlane(d.ctx).iam.send(new GetRoleCommand({ RoleName: LAB_ROLE }), { abortSignal: d.signal });
      return { status: 'pass', detail: `${LAB_ROLE} exists (${Role?.Arn ?? LAB_ROLE}): provision uses it when CreateRole is denied, and never changes it` };
    } catch (error) {
      if (!isNotFound(error) && !isAccessDenied(error)) return failureOf(error, d);
    }
    try {
      await controlPlane(d.ctx).iam.send(new ListRolesCommand({ MaxItems: 1 }), { abortSignal: d.signal });
      return { status: 'pass', detail: `no ${LAB_ROLE}; IAM is readable, so provision will create thumbs-${d.ctx.settings.stack}-fn (needs iam:CreateRole and iam:PutRolePolicy)` };
    } catch (error) {
      if (!isAccessDenied(error)) return failureOf(error, d);
      return {
        status: 'warn',
        detail: `IAM is not readable by this identity and there is no ${LAB_ROLE} it can see: creating the function role will probably be denied`,
        fix: 'Ask for iam:CreateRole/iam:PutRolePolicy, or pass `thumbs provision --role-arn <arn>` with a role Lambda can assume.',
      };
    }
  },
};

async function stagedFor(arch: Architecture, version: string, installIfMissing: boolean): Promise<string> {
  if (missingBinaries(stagingDir(arch, version), arch).length === 0) return `${arch}: cached`;
  if (!installIfMissing) return `${arch}: not staged yet (installed on first \`thumbs package --arch ${arch}\`)`;
  await stageSharp(arch, version);
  return `${arch}: installed now`;
}

/** Lambda needs sharp's Linux glibc binaries for its architecture, whatever this host is. */
export const sharpBinariesCheck: Check = {
  name: 'sharp for Lambda',
  applies: skippedOnEmbedded,
  skipped: () => 'skipped: embedded backend (the local worker uses this machine\'s sharp)',
  async run(): Promise<CheckOutcome> {
    try {
      const version = lockedSharpVersion(projectRoot());
      // Provision's default architecture must be stageable; the other is only reported.
      const other = ARCHITECTURES.find((arch) => arch !== DEFAULT_ARCH) ?? DEFAULT_ARCH;
      const states = [await stagedFor(DEFAULT_ARCH, version, true), await stagedFor(other, version, false)];
      return { status: 'pass', detail: `sharp ${version} linux/glibc: ${states.join('; ')}` };
    } catch (error) {
      const hint = (error as { hint?: string }).hint;
      return { status: 'fail', detail: (error as Error).message, fix: hint ?? 'Run `npm install`, then `thumbs package`.' };
    }
  },
};

export const FUNCTION_CHECKS: Check[] = [functionRoleCheck, sharpBinariesCheck];
