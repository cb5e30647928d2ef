import { isDeepStrictEqual } from 'node:util';
import type { Context } from '../context.js';
import type { StackConfig } from './stack-config.js';
import type { ResourceKind, ResourceRecord, StackState } from './state-file.js';
import { deleteState, readState, writeState } from './state-file.js';
import { updateRecord, type RecordSnapshot, type StateChange } from './stack-record.js';

/** Where the stack's record lives: a reserved item of its table (stack-record.ts). */
export interface RemoteRecord {
  ctx: Context;
  table: string;
  /** The record as read when the command started; version 0 when there was none. */
  version: number;
  /** Called after every write that reached the record (the lock moves there once it exists). */
  onWritten?: () => Promise<void>;
}

const stamped = (state: StackState): StackState => ({ ...state, updatedAt: new Date().toISOString() });

/**
 * The stack's state while a command runs. Each change is written at once, one write at a time, so
 * an interrupted provision still leaves a record of what it created. With a remote record, a change
 * is written there under a condition on its version (another writer's changes are read and kept,
 * never overwritten), then to the local cache file. Until the table exists (a first provision) or
 * once it is gone (teardown), changes go to the cache file, applied to it as it is on disk, and are
 * kept pending until the record can take them.
 */
export class StateStore {
  private writes: Promise<void> = Promise.resolve();
  private readonly pending: StateChange[] = [];
  private synced: RecordSnapshot;

  constructor(
    private readonly stateDir: string,
    private state: StackState,
    /** false for --dry-run and read-only commands: the plan is computed but nothing is written. */
    private readonly persist = true,
    /** Every write waits for this (the account check); when it fails, nothing is written. */
    private readonly gate: Promise<void> = Promise.resolve(),
    private readonly remote?: RemoteRecord,
  ) {
    this.synced = { state, version: remote?.version ?? 0 };
  }

  get current(): Readonly<StackState> {
    return this.state;
  }

  get(kind: ResourceKind): ResourceRecord | undefined {
    return this.state.resources[kind];
  }

  record(kind: ResourceKind, record: ResourceRecord): Promise<void> {
    return this.change((state) => ({ ...state, resources: { ...state.resources, [kind]: record } }));
  }

  forget(kind: ResourceKind): Promise<void> {
    return this.change((state) => {
      const rest = { ...state.resources };
      delete rest[kind];
      return { ...state, resources: rest };
    });
  }

  /** The stack's desired configuration, replaced whole; unchanged, it costs no write. */
  recordConfig(config: StackConfig): Promise<void> {
    if (isDeepStrictEqual(this.state.config, config)) return this.writes;
    return this.change((state) => ({ ...state, config }));
  }

  /** Writes whatever is still pending (changes made before the table existed). */
  sync(): Promise<void> {
    if (!this.persist) return Promise.resolve();
    this.writes = this.writes.then(() => this.gate).then(() => this.flush());
    return this.writes;
  }

  /** Once nothing is left, the cache file goes too, so the next provision starts clean. */
  async removeIfEmpty(): Promise<boolean> {
    await this.writes;
    if (Object.keys(this.state.resources).length > 0) return false;
    if (this.persist) await deleteState(this.stateDir, this.state.stack);
    return true;
  }

  private change(apply: StateChange): Promise<void> {
    this.state = stamped(apply(this.state));
    if (!this.persist) return Promise.resolve();
    this.pending.push(apply);
    return this.sync();
  }

  private async flush(): Promise<void> {
    const changes = this.pending.slice();
    if (changes.length === 0) return;
    if (this.remote) {
      const written = await updateRecord(this.remote.ctx, this.remote.table, this.synced, [...changes, stamped]);
      if (written !== 'no-table') {
        this.synced = written;
        this.pending.splice(0, changes.length);
        // Changes made while the write was under way are applied on top; their own flush writes them.
        this.state = this.pending.reduce((state, change) => change(state), written.state);
        await writeState(this.stateDir, written.state);
        await this.remote.onWritten?.();
        return;
      }
    }
    // No record to write to: the cache file, as it is on disk now (a second command may have written it).
    const onDisk = await readState(this.stateDir, this.state.stack);
    const next = stamped(changes.reduce((state, change) => change(state), onDisk ?? this.synced.state));
    await writeState(this.stateDir, next);
    const later = this.pending.slice(changes.length);
    // Without a table yet, the changes stay pending (re-applying them is harmless) until the record can take them.
    if (!this.remote) this.pending.splice(0, changes.length);
    this.state = later.reduce((state, change) => change(state), next);
  }
}
