import type http from 'node:http';
import { createRequire } from 'node:module';

/**
 * dynalite 4.0.0 answers UpdateTable with GlobalSecondaryIndexUpdates[].Create as a success but
 * adds no index, so the embedded backend could never upgrade a first-release table. This module
 * implements that one call on dynalite's own store: it records the index on the table, indexes the
 * items already there, and marks the index ACTIVE, then answers as DynamoDB does. Every other
 * request goes to dynalite untouched.
 */

interface AttributeDefinition { AttributeName: string; AttributeType: string }
interface IndexSpec {
  IndexName: string;
  KeySchema: Array<{ AttributeName: string; KeyType: string }>;
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  [field: string]: unknown;
}
interface TableDescription {
  TableName: string;
  TableArn: string;
  AttributeDefinitions: AttributeDefinition[];
  GlobalSecondaryIndexes?: IndexSpec[];
  [field: string]: unknown;
}
type Callback<T = void> = (error: Error | null, value?: T) => void;
interface LevelDb {
  lock(key: string, fn: (release: <F extends (...args: never[]) => void>(cb: F) => F) => void): void;
  put(key: string, value: unknown, cb: Callback): void;
  createValueStream(options?: object): NodeJS.ReadableStream;
}
interface DynaliteStore {
  tableDb: LevelDb;
  getTable(name: string, checkStatus: boolean, cb: Callback<TableDescription>): void;
  getItemDb(name: string): LevelDb;
}
interface DynaliteDb {
  create(options: object): DynaliteStore;
  updateIndexes(store: DynaliteStore, table: TableDescription, existing: unknown, item: unknown, cb: Callback): void;
}

const require = createRequire(import.meta.url);
// The same module instance dynalite's index.js loaded, so wrapping create() sees its store.
const dynaliteDb = require('dynalite/db/index.js') as DynaliteDb;

let lastStore: DynaliteStore | undefined;
const originalCreate = dynaliteDb.create;
dynaliteDb.create = (options: object) => {
  lastStore = originalCreate(options);
  return lastStore;
};

/** Call around dynalite(): returns the store that call created. */
export function captureStore<T>(start: () => T): { result: T; store: DynaliteStore } {
  lastStore = undefined;
  const result = start();
  if (!lastStore) throw new Error('dynalite did not create its store through db.create; the GSI patch needs updating');
  return { result, store: lastStore };
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const promised = <T>(fn: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));

async function indexExistingItems(store: DynaliteStore, table: TableDescription): Promise<void> {
  const onlyNew = { ...table, LocalSecondaryIndexes: [], GlobalSecondaryIndexes: table.GlobalSecondaryIndexes?.filter((i) => i.IndexStatus === 'CREATING') };
  for await (const item of store.getItemDb(table.TableName).createValueStream() as AsyncIterable<unknown>) {
    await promised((cb) => dynaliteDb.updateIndexes(store, onlyNew, null, item, cb));
  }
}

async function createIndexes(store: DynaliteStore, name: string, creates: IndexSpec[], definitions: AttributeDefinition[]): Promise<TableDescription> {
  const table = await promised<TableDescription>((cb) => store.getTable(name, false, cb));
  const existing = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const taken = creates.find((index) => existing.has(index.IndexName));
  if (taken) throw Object.assign(new Error(`Attempting to create an index which already exists: ${taken.IndexName}`), { type: 'ValidationException' });
  const known = new Set(table.AttributeDefinitions.map((d) => d.AttributeName));
  table.AttributeDefinitions = [...table.AttributeDefinitions, ...definitions.filter((d) => !known.has(d.AttributeName))];
  table.GlobalSecondaryIndexes = [
    ...(table.GlobalSecondaryIndexes ?? []),
    ...creates.map((index) => ({
      ...index,
      IndexArn: `${table.TableArn}/index/${index.IndexName}`,
      IndexSizeBytes: 0,
      ItemCount: 0,
      IndexStatus: 'CREATING',
      ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
    })),
  ];
  // Saved first, so items written from now on are indexed by dynalite itself.
  await promised((cb) => store.tableDb.put(name, table, cb));
  await indexExistingItems(store, table);
  for (const index of table.GlobalSecondaryIndexes) index.IndexStatus = 'ACTIVE';
  await promised((cb) => store.tableDb.put(name, table, cb));
  return table;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Puts the GSI-creating UpdateTable in front of dynalite's handler on this server. */
export function addIndexCreation(server: http.Server, store: DynaliteStore): void {
  const [dynaliteHandler] = server.listeners('request') as Array<(req: http.IncomingMessage, res: http.ServerResponse) => void>;
  if (!dynaliteHandler) throw new Error('dynalite server has no request handler');
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!String(req.headers['x-amz-target'] ?? '').endsWith('.UpdateTable')) return dynaliteHandler(req, res);
    void readBody(req).then(async (body) => {
      const data = JSON.parse(body.toString('utf8') || '{}') as {
        TableName: string;
        AttributeDefinitions?: AttributeDefinition[];
        GlobalSecondaryIndexUpdates?: Array<{ Create?: IndexSpec }>;
      };
      const creates = (data.GlobalSecondaryIndexUpdates ?? []).flatMap((update) => (update.Create ? [update.Create] : []));
      if (creates.length === 0) {
        // Hand dynalite the request again, body and all.
        const { Readable } = await import('node:stream');
        const replay = Object.assign(Readable.from([body]), { headers: req.headers, method: req.method, url: req.url });
        return dynaliteHandler(replay as unknown as http.IncomingMessage, res);
      }
      try {
        const table = await createIndexes(store, data.TableName, creates, data.AttributeDefinitions ?? []);
        reply(res, 200, { TableDescription: table });
      } catch (error) {
        const notFound = (error as Error).name === 'NotFoundError';
        const type = notFound ? 'ResourceNotFoundException' : 'ValidationException';
        reply(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: (error as Error).message });
      }
    }).catch((error: unknown) => {
      reply(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error) });
    });
  });
}
