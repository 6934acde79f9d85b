// The clock port: the domain asks for "now" through it, so tests and the local runner can set time.
export type Clock = { now: () => Date };
export const systemClock: Clock = { now: () => new Date() };
