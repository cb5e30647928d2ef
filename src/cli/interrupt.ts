/**
 * Ctrl-C exits with 130 at once, unless a long-running command (`thumbs dev`, `thumbs gallery`)
 * has claimed it to shut its servers down cleanly first.
 */
let claimed: (() => void) | undefined;

export function claimInterrupt(handler: () => void): () => void {
  claimed = handler;
  return () => {
    if (claimed === handler) claimed = undefined;
  };
}

export function interruptHandler(): (() => void) | undefined {
  return claimed;
}

/** Resolves on Ctrl-C or SIGTERM; the caller owns the shutdown. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const release = claimInterrupt(() => {
      release();
      process.removeListener('SIGTERM', onTerm);
      resolve();
    });
    const onTerm = () => {
      release();
      resolve();
    };
    process.once('SIGTERM', onTerm);
  });
}
