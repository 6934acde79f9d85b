import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ordersDoc } from './doc';
import { ORDER_TRANSITIONS, ORDER_STATES } from './state';

describe('order state machine', () => {
  it('docs/ORDERS.md is the generated table (run npx tsx scripts/gen-docs.ts after changing it)', () => {
    expect(readFileSync(new URL('../../../../docs/ORDERS.md', import.meta.url), 'utf8')).toBe(ordersDoc());
  });
  it('every state is reachable and every transition names known states', () => {
    const reached = new Set(ORDER_TRANSITIONS.map((t) => t.to));
    for (const s of ORDER_STATES) expect(reached.has(s), s).toBe(true);
    for (const t of ORDER_TRANSITIONS) for (const f of t.from) expect(ORDER_STATES).toContain(f);
  });
});
