import type { MiddlewareStack } from '@smithy/types';

export interface AwsCall {
  service: string;
  command: string;
  startMs: number;
  endMs: number;
  ok: boolean;
}

/** Records every AWS call's start and end; `--verbose` prints them and the benchmark counts round trips. */
export class CallLog {
  readonly calls: AwsCall[] = [];
  private readonly origin = performance.now();

  attach(service: string, stack: MiddlewareStack<object, object>): void {
    stack.add(
      (next, context) => async (args) => {
        const startMs = performance.now() - this.origin;
        const command = String((context as { commandName?: string }).commandName ?? 'unknown').replace(/Command$/, '');
        let ok = false;
        try {
          const result = await next(args);
          ok = true;
          return result;
        } finally {
          this.calls.push({ service, command, startMs, endMs: performance.now() - this.origin, ok });
        }
      },
      { step: 'initialize', name: 'thumbsCallLog', override: true },
    );
  }

  /** A call made outside an SDK client's middleware (direct-put.ts), with performance.now() times. */
  record(service: string, command: string, started: number, ended: number, ok: boolean): void {
    this.calls.push({ service, command, startMs: started - this.origin, endMs: ended - this.origin, ok });
  }

  /** Longest chain of calls where each starts after the previous one ended: the sequential round trips. */
  criticalPathLength(): number {
    const sorted = [...this.calls].sort((a, b) => a.endMs - b.endMs);
    const depth = new Map<AwsCall, number>();
    let longest = 0;
    for (const call of sorted) {
      let best = 0;
      for (const before of sorted) {
        if (before.endMs > call.startMs) break;
        best = Math.max(best, depth.get(before) ?? 0);
      }
      depth.set(call, best + 1);
      longest = Math.max(longest, best + 1);
    }
    return longest;
  }
}
