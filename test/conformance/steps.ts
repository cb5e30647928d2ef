import { it } from 'vitest';
import { lacks, type Capability, type Target } from './target.js';

export interface StepOptions {
  /** Without these the step cannot run at all: it is reported as `lacks ...`, never silently skipped. */
  needs?: Capability[];
  /** The step runs without these, checking less: the line says what was not checked. */
  partly?: Capability[];
  /** A behaviour another issue delivers: while `when`, the step is expected to fail (it.fails), and says so. */
  pending?: { when: boolean; issue: string };
  timeoutMs?: number;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n').find((l) => l.trim()) ?? '';

/**
 * The steps of one command family, each a test that prints one line (backend | family | step |
 * outcome) to stderr as it ends, so a CI log shows every step's result on every backend.
 */
export function conformanceSteps(target: Target, family: string) {
  const print = (step: string, outcome: string) => process.stderr.write(`conformance | ${target.label} | ${family} | ${step} | ${outcome}\n`);
  return function step(name: string, body: () => Promise<string | void>, options: StepOptions = {}): void {
    const missing = lacks(target, options.needs ?? []);
    if (missing.length > 0) {
      const reason = `lacks ${missing.join(', ')}`;
      it(`${name} [${target.label} ${reason}]`, (context) => {
        print(name, reason);
        context.skip(`${target.label} ${reason}`);
      });
      return;
    }
    const pending = options.pending?.when ? options.pending.issue : undefined;
    const test = pending ? it.fails : it;
    test(pending ? `${name} [expected to fail until ${pending} is merged]` : name, async () => {
      try {
        const note = await body();
        const partial = lacks(target, options.partly ?? []);
        const notes = [note, partial.length > 0 ? `not checked: lacks ${partial.join(', ')}` : ''].filter(Boolean).join('; ');
        print(name, pending ? `passes: the expected failure until ${pending} is gone (make it a plain step)` : `ok${notes ? ` (${notes})` : ''}`);
      } catch (error) {
        print(name, pending ? `fails, as expected until ${pending}: ${firstLine(error)}` : `FAILED: ${firstLine(error)}`);
        throw error;
      }
    }, options.timeoutMs ?? 240_000);
  };
}
