// A DynamoDB stream record (the Lambda event's or the Streams API's: the same shape) as a SourceChange,
// images unmarshalled to plain objects. The one place that knows the stream's wire format.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { SourceChange } from '@tmc/core/analytics/model';

type Image = Record<string, AttributeValue> | undefined;
export type StreamRecordLike = {
  eventName?: string;
  dynamodb?: { Keys?: unknown; NewImage?: unknown; OldImage?: unknown; SequenceNumber?: string };
};

const plain = (img: unknown): Record<string, unknown> | null =>
  img ? (unmarshall(img as NonNullable<Image>, { wrapNumbers: false }) as Record<string, unknown>) : null;

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
