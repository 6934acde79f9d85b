// Lambda entry for the table's stream (analytics counters, anomaly flags, the coverage trigger): wiring only.
import { deps } from '@tmc/app/compose/production-deps';
import { streamReactors } from '@tmc/app/compose/streams';
import { streamsHandler } from '@tmc/app/compose/streams-lambda';
export const handler = streamsHandler(streamReactors({ db: deps.db, deps }));
