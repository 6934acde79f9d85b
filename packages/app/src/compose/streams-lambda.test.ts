// The streams Lambda answers a partial batch failure with the first failed record's sequence number:
// Lambda retries from there, so nothing after it overtakes it; a clean batch answers no failures.
import { describe, expect, it } from 'vitest';
import type { ChangeReactor } from '@tmc/core/analytics/model';
import { streamsHandler } from './streams-lambda';

const record = (seq: string, pk: string) => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: seq,
    Keys: { pk: { S: pk }, sk: { S: 'X' } },
    NewImage: { pk: { S: pk }, sk: { S: 'X' }, n: { N: '3' } },
  },
});

describe('streams Lambda', () => {
  it('reports the first failed change of the batch; a clean batch reports none', async () => {
    const seen: string[] = [];
    const reactor: ChangeReactor = {
      name: 'test',
      wants: () => true,
      react: async (c) => {
        seen.push(c.keys.pk);
        expect(c.new?.n).toBe(3);
        if (c.keys.pk.startsWith('bad')) throw new Error('boom');
      },
    };
    const handler = streamsHandler([reactor]);
    const ok = await handler({ Records: [record('1', 'a'), record('2', 'b')] });
    expect(ok).toEqual({ batchItemFailures: [] });
    const failed = await handler({
      Records: [record('10', 'a'), record('11', 'bad1'), record('12', 'c'), record('13', 'bad2')],
    });
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
  });
});
