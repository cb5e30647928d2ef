import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const TABLE = 'transactions';

describe('TransactWriteItems on the embedded DynamoDB', () => {
  let harness: EmbeddedHarness;
  const get = async (key: string) => (await harness.ctx.clients.doc.send(new GetCommand({ TableName: TABLE, Key: { imageKey: key }, ConsistentRead: true }))).Item;
  beforeAll(async () => {
    harness = await startEmbedded();
    await harness.ctx.clients.dynamodb.send(new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'imageKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await harness.ctx.clients.doc.send(new PutCommand({ TableName: TABLE, Item: { imageKey: 'counter', n: 0 } }));
  });
  afterAll(() => harness?.stop());

  const count = (entry: string) => new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: TABLE, Item: { imageKey: entry }, ConditionExpression: 'attribute_not_exists(imageKey)' } },
      { Update: { TableName: TABLE, Key: { imageKey: 'counter' }, UpdateExpression: 'ADD n :one', ConditionExpression: 'attribute_exists(imageKey)', ExpressionAttributeValues: { ':one': 1 } } },
    ],
  });

  it('applies every write when every condition holds', async () => {
    await harness.ctx.clients.doc.send(count('a'));
    expect(await get('a')).toEqual({ imageKey: 'a' });
    expect((await get('counter'))?.n).toBe(1);
  });

  it('applies none when one condition fails, and names it in CancellationReasons', async () => {
    const error = await harness.ctx.clients.doc.send(count('a')).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
    expect((await get('counter'))?.n).toBe(1);
  });

  it('counts once when the same transaction is sent 10 times at once', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => harness.ctx.clients.doc.send(count('b'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await get('counter'))?.n).toBe(2);
  });

  it('refuses two actions on one item', async () => {
    const error = await harness.ctx.clients.doc.send(new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: TABLE, Item: { imageKey: 'c' } } }, { Delete: { TableName: TABLE, Key: { imageKey: 'c' } } }],
    })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationException' });
    expect(await get('c')).toBeUndefined();
  });
});
