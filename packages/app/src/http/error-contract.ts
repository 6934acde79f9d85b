// Error codes a route answered without declaring them (so without them in its OpenAPI entry).
// The route mount records them under tests; tests/support/error-contract-setup.ts, a vitest
// setup file, fails every test file after which the list is not empty. Kept on globalThis so
// that every copy of this module in a test process (vitest may load it more than once) shares it.
const store = globalThis as typeof globalThis & { __tmcUndeclaredErrors?: string[] };

export const recordUndeclaredError = (line: string): void => {
  (store.__tmcUndeclaredErrors ??= []).push(line);
};

/** The violations recorded so far (each once), emptying the list. */
export const takeUndeclaredErrors = (): string[] => {
  const out = [...new Set(store.__tmcUndeclaredErrors ?? [])];
  store.__tmcUndeclaredErrors = [];
  return out;
};
