// Lambda entry for the table's stream (analytics counters and the reactors beside them): wiring only.
import { streamsHandler } from '@tmc/app/compose/streams-lambda';
export const handler = streamsHandler();
