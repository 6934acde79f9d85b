// Structured JSON logs, one line per event, always with the request id. Values that may be
// personal or secret are redacted by key before they are written.
const REDACT_KEYS =
  /(id_number|phone|password|pin|code|token|secret|authorization|cookie|key|account_no|account_sealed)/i;
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export type Logger = {
  log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
  lines?: string[]; // tests capture output here
};

const redact = (v: unknown, depth = 0): unknown => {
  if (depth > 4 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice(0, 20).map((x) => redact(x, depth + 1));
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, REDACT_KEYS.test(k) ? '[redacted]' : redact(x, depth + 1)]),
  );
};

export const createLogger = (
  min: LogLevel = 'info',
  sink: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger => ({
  log(level, msg, fields = {}) {
    if (LEVELS[level] < LEVELS[min]) return;
    sink(JSON.stringify({ level, time: new Date().toISOString(), msg, ...(redact(fields) as object) }));
  },
});

export const captureLogger = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  return { ...createLogger('debug', (l) => lines.push(l)), lines };
};
