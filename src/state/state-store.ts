import type { StackConfig } from './stack-config.js';
import type { ResourceKind, ResourceRecord, StackState } from './state-file.js';
import { deleteState, readState, writeState } from './state-file.js';

type Resources = StackState['resources'];
type Change = (resources: Resources) => Resources;

/**
 * The stack's state while a command runs. Each change is written at once (atomically, one write
 * at a time), so an interrupted provision still leaves a record of what it created. A change is
 * applied to the file as it is on disk at that moment, so a second thumbs command working on the
 * same stack (a publish during a provision) keeps its own records instead of losing them to a
 * whole-file overwrite.
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
    return this.change((resources) => ({ ...resources, [kind]: record }));
  }

  forget(kind: ResourceKind): Promise<void> {
    return this.change((resources) => {
      const rest = { ...resources };
      delete rest[kind];
      return rest;
    });
  }

  /** The stack's desired configuration, replaced whole; resources on disk are kept as they are. */
  recordConfig(config: StackConfig): Promise<void> {
    this.state = { ...this.state, updatedAt: new Date().toISOString(), config };
    if (!this.persist) return Promise.resolve();
    this.writes = this.writes
      .then(() => this.gate)
      .then(async () => {
        const onDisk = await readState(this.stateDir, this.state.stack);
        await writeState(this.stateDir, { ...this.state, resources: onDisk?.resources ?? this.state.resources, config });
        this.state = { ...this.state, resources: { ...(onDisk?.resources ?? this.state.resources) } };
      });
    return this.writes;
  }

  /** Once nothing is left, the file goes too, so the next provision starts clean. */
  async removeIfEmpty(): Promise<boolean> {
    await this.writes;
    if (Object.keys(this.state.resources).length > 0) return false;
    if (this.persist) await deleteState(this.stateDir, this.state.stack);
    return true;
  }

  private change(apply: Change): Promise<void> {
    this.state = { ...this.state, updatedAt: new Date().toISOString(), resources: apply(this.state.resources) };
    if (!this.persist) return Promise.resolve();
    this.writes = this.writes
      .then(() => this.gate)
      .then(async () => {
        const onDisk = await readState(this.stateDir, this.state.stack);
        const config = onDisk?.config ?? this.state.config;
        const next = { ...this.state, resources: apply(onDisk?.resources ?? this.state.resources), ...(config ? { config } : {}) };
        await writeState(this.stateDir, next);
        this.state = { ...this.state, resources: { ...next.resources } };
      });
    return this.writes;
  }
}
