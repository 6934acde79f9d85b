// A DynamoDB stream record (the Lambda event's or the Streams API's: the same shape) as a SourceChange,
// images unmarshalled to plain objects. The one place that knows the stream's wire format.
import type { SourceChange } from '@tmc/core/analytics/model';

export type StreamRecordLike = {
  eventName?: string;
  dynamodb?: { Keys?: unknown; NewImage?: unknown; OldImage?: unknown; SequenceNumber?: string };
};

type Wire = Record<string, unknown>;

/** One attribute value as a plain value (numbers as numbers: counters and points are safe integers).
 * Written out rather than util-dynamodb's unmarshall, which throws on a value whose type keys are all
 * absent, as the Streams client's deserialiser leaves an empty map or list member. */
const native = (v: Wire | undefined): unknown => {
  if (!v) return null;
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return plain(v.M);
  if (v.L !== undefined) return (v.L as Wire[]).map(native);
  if (v.SS !== undefined) return new Set(v.SS as string[]);
  if (v.NS !== undefined) return new Set((v.NS as string[]).map(Number));
  if (v.B !== undefined) return v.B;
  if (v.BS !== undefined) return new Set(v.BS as unknown[]);
  return null;
};

const plain = (img: unknown): Record<string, unknown> | null =>
  img ? Object.fromEntries(Object.entries(img as Record<string, Wire>).map(([k, v]) => [k, native(v)])) : null;

export const changeOfRecord = (r: StreamRecordLike): SourceChange => {
  const keys = plain(r.dynamodb?.Keys) ?? {};
  const event = r.eventName === 'INSERT' || r.eventName === 'REMOVE' ? r.eventName : 'MODIFY';
  return {
    event,
    keys: { pk: String(keys.pk ?? ''), sk: String(keys.sk ?? '') },
    old: plain(r.dynamodb?.OldImage),
    new: plain(r.dynamodb?.NewImage),
  };
};
