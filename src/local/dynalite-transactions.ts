import type http from 'node:http';
import { createRequire } from 'node:module';

/**
 * dynalite 4.0.0 has no TransactWriteItems (it answers UnknownOperationException), which the
 * function's batch counting needs. This module implements that one call on dynalite's own code:
 * each action is validated and its expressions parsed by dynalite's validators, every condition
 * is checked against the stored items, and only when all hold are the writes applied by dynalite's
 * own PutItem/UpdateItem/DeleteItem. Isolation is a readers-writer lock in front of dynalite: a
 * transaction runs alone, every other request runs alongside the others as before, so no request
 * sees or interleaves with half a transaction (DynamoDB's serializable isolation, coarser).
 */

type Callback<T = unknown> = (error: (Error & { statusCode?: number; body?: unknown }) | null, value?: T) => void;
type Store = object;
interface Validation { types: object; custom?: (data: object, store: Store) => string | undefined }
interface Dynalite {
  validations: { checkTypes(data: object, types: object): Record<string, unknown>; checkValidations(data: object, types: object, custom: Validation['custom'], store: Store): void };
  db: {
    createKey(item: object, table: object): string;
    checkConditional(data: object, existing: unknown): (Error & { body?: { message?: string } }) | null | undefined;
  };
  actions: Record<'putItem' | 'updateItem' | 'deleteItem', (store: Store, data: object, cb: Callback) => void>;
  checks: Record<Kind, Validation>;
}
interface FullStore {
  getTable(name: string, cb: Callback<object>): void;
  getItemDb(name: string): { get(key: string, cb: Callback): void };
}

type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
const ACTIONS: Record<Kind, 'putItem' | 'updateItem' | 'deleteItem' | undefined> = { Put: 'putItem', Update: 'updateItem', Delete: 'deleteItem', ConditionCheck: undefined };
const MAX_ACTIONS = 100;

const require = createRequire(import.meta.url);
const dynalite: Dynalite = {
  validations: require('dynalite/validations/index.js') as Dynalite['validations'],
  db: require('dynalite/db/index.js') as Dynalite['db'],
  actions: {
    putItem: require('dynalite/actions/putItem.js') as Dynalite['actions']['putItem'],
    updateItem: require('dynalite/actions/updateItem.js') as Dynalite['actions']['updateItem'],
    deleteItem: require('dynalite/actions/deleteItem.js') as Dynalite['actions']['deleteItem'],
  },
  // ConditionCheck has DeleteItem's shape (Key and a condition) and is validated as one.
  checks: {
    Put: require('dynalite/validations/putItem.js') as Validation,
    Update: require('dynalite/validations/updateItem.js') as Validation,
    Delete: require('dynalite/validations/deleteItem.js') as Validation,
    ConditionCheck: require('dynalite/validations/deleteItem.js') as Validation,
  },
};

/** One writer or many readers; a waiting writer holds back new readers so it is never starved. */
class ReadersWriterLock {
  private readers = 0;
  private writer = false;
  private queue: Array<{ write: boolean; grant: () => void }> = [];

  acquire(write: boolean): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push({ write, grant: () => resolve(() => this.release(write)) });
      this.pump();
    });
  }

  private release(write: boolean) {
    if (write) this.writer = false;
    else this.readers -= 1;
    this.pump();
  }

  private pump() {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0]!;
      if (next.write && this.readers > 0) return;
      this.queue.shift();
      if (next.write) this.writer = true;
      else this.readers += 1;
      next.grant();
      if (next.write) return;
    }
  }
}

const promised = <T>(fn: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));

class DynamoError extends Error {
  constructor(readonly type: string, message: string, readonly extra: object = {}) {
    super(message);
  }
}

interface Action { kind: Kind; data: Record<string, unknown> }

/** Each action's request as its single-item call would send it, validated and parsed by dynalite. */
function parseActions(body: { TransactItems?: unknown }, store: Store): Action[] {
  const items = body.TransactItems;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ACTIONS) {
    throw new DynamoError('ValidationException', `TransactItems must hold 1 to ${MAX_ACTIONS} actions`);
  }
  return items.map((entry: Record<string, Record<string, unknown>>) => {
    const kinds = Object.keys(entry ?? {}).filter((k): k is Kind => k in ACTIONS);
    if (kinds.length !== 1) throw new DynamoError('ValidationException', 'each TransactItems entry must hold exactly one of Put, Update, Delete, ConditionCheck');
    const kind = kinds[0]!;
    const check = dynalite.checks[kind];
    try {
      const data = dynalite.validations.checkTypes({ ...entry[kind] }, check.types);
      dynalite.validations.checkValidations(data, check.types, check.custom, store);
      return { kind, data };
    } catch (error) {
      const message = (error as { body?: { message?: string } }).body?.message ?? (error as Error).message;
      throw new DynamoError('ValidationException', message);
    }
  });
}

async function transactWrite(store: FullStore, body: { TransactItems?: unknown }): Promise<object> {
  const actions = parseActions(body, store);
  const located = await Promise.all(actions.map(async (action) => {
    const name = String(action.data.TableName);
    const table = await promised<object>((cb) => store.getTable(name, cb)).catch(() => {
      throw new DynamoError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
    });
    const item = (action.kind === 'Put' ? action.data.Item : action.data.Key) as object;
    return { ...action, name, key: dynalite.db.createKey(item, table) };
  }));
  const keys = located.map((a) => `${a.name}\u0000${a.key}`);
  if (new Set(keys).size !== keys.length) throw new DynamoError('ValidationException', 'Transaction request cannot include multiple operations on one item');
  const reasons = await Promise.all(located.map(async (action) => {
    const existing = await promised((cb) => store.getItemDb(action.name).get(action.key, cb)).catch((error: Error) => {
      if (error.name === 'NotFoundError') return undefined;
      throw error;
    });
    const failed = dynalite.db.checkConditional(action.data, existing);
    return failed ? { Code: 'ConditionalCheckFailed', Message: failed.body?.message ?? 'The conditional request failed' } : { Code: 'None' };
  }));
  if (reasons.some((r) => r.Code !== 'None')) {
    throw new DynamoError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, { CancellationReasons: reasons });
  }
  // Every condition held and nothing else runs meanwhile: the writes apply as dynalite's own calls.
  for (const action of located) {
    const write = ACTIONS[action.kind];
    if (write) await promised((cb) => dynalite.actions[write](store, action.data, cb));
  }
  return {};
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Puts TransactWriteItems, and the lock every other request takes, in front of the server's handler. */
export function addTransactions(server: http.Server, store: object): void {
  const [inner] = server.listeners('request') as Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>;
  if (!inner) throw new Error('dynalite server has no request handler');
  const lock = new ReadersWriterLock();
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const transaction = String(req.headers['x-amz-target'] ?? '').endsWith('.TransactWriteItems');
    void lock.acquire(transaction).then(async (release) => {
      res.once('close', release);
      if (!transaction) return inner(req, res);
      try {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { TransactItems?: unknown };
        reply(res, 200, await transactWrite(store as FullStore, body));
      } catch (error) {
        if (error instanceof DynamoError) reply(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message, ...error.extra });
        else reply(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) });
      }
    });
  });
}
