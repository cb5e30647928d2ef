import type { ResourceKind, ResourceRecord, StackState } from './state-file.js';
import { deleteState, writeState } from './state-file.js';

/**
 * The stack's state while a command runs. Each change is written at once (atomically, one
 * write at a time), so an interrupted provision still leaves a record of what it created.
 */
export class StateStore {
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private state: StackState,
    /** false for --dry-run: the plan is computed but nothing is written. */
    private readonly persist = true,
    /** Every write waits for this (the account check); when it fails, nothing is written. */
    private readonly gate: Promise<void> = Promise.resolve(),
  ) {}

  get current(): Readonly<StackState> {
    return this.state;
  }

  get(kind: ResourceKind): ResourceRecord | undefined {
    return this.state.resources[kind];
  }

  record(kind: ResourceKind, record: ResourceRecord): Promise<void> {
    this.state = { ...this.state, updatedAt: new Date().toISOString(), resources: { ...this.state.resources, [kind]: record } };
    return this.flush();
  }

  forget(kind: ResourceKind): Promise<void> {
    const resources = { ...this.state.resources };
    delete resources[kind];
    this.state = { ...this.state, updatedAt: new Date().toISOString(), resources };
    return this.flush();
  }

  /** Once nothing is left, the file goes too, so the next provision starts clean. */
  async removeIfEmpty(): Promise<boolean> {
    if (Object.keys(this.state.resources).length > 0) return false;
    await this.writes;
    if (this.persist) await deleteState(this.stateDir, this.state.stack);
    return true;
  }

  private flush(): Promise<void> {
    if (!this.persist) return Promise.resolve();
    const snapshot = this.state;
    this.writes = this.writes.then(() => this.gate).then(() => writeState(this.stateDir, snapshot));
    return this.writes;
  }
}
