import type { Command } from 'commander';
import type { DoctorReport } from '../../actions/doctor.js';
import type { CheckStatus } from '../../doctor/types.js';
import { ThumbsError } from '../../errors.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';

const MARK: Record<CheckStatus, string> = { pass: 'ok  ', warn: 'warn', skip: 'skip', fail: 'FAIL' };

export function renderDoctor(report: DoctorReport): string {
  const lines = report.checks.flatMap((check) => {
    const [first, ...rest] = check.detail.split('\n');
    return [
      `${MARK[check.status]}  ${check.name}: ${first}`,
      ...rest.map((line) => `      ${line}`),
      ...(check.fix && check.status !== 'pass' ? [`      fix: ${check.fix}`] : []),
    ];
  });
  const failed = report.checks.filter((check) => !check.ok).length;
  return [...lines, failed ? `${failed} check${failed > 1 ? 's' : ''} failed` : 'all checks passed'].join('\n');
}

export function registerDoctor(program: Command, runtime: Runtime): void {
  program
    .command('doctor')
    .description('check what thumbs needs: Node version, credentials (and lab-account limits), region, endpoint or local backend')
    .addHelpText('after', `
Exits 1 when a check fails; each failure says how to fix it.

Examples:
  thumbs doctor                                   your AWS credentials and region
  thumbs doctor --region us-west-2 --profile lab
  thumbs doctor --local                           is \`thumbs dev\` running?
  thumbs doctor --endpoint-url http://localhost:4566`)
    .action(async (_options: object, command: Command) => {
      const settings = settingsOf(command, runtime);
      const { doctor, doctorTarget } = await import('../../actions/doctor.js');
      const { target, local } = await doctorTarget(settings);
      const report = await withContext(command, runtime, (ctx) => doctor(ctx, { local }), target);
      printResult(settings.json, report, () => renderDoctor(report));
      if (!report.ok) {
        const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
        throw new ThumbsError('doctor-failed', `${failed.length} check(s) failed: ${failed.join(', ')}`, {
          hint: 'Apply the fixes above, then run `thumbs doctor` again.',
          resultPrinted: true,
        });
      }
    });
}
