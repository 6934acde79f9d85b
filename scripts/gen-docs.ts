// Writes docs/ORDERS.md from the order state machine in packages/core/src/orders/state.ts, so the
// docs and the code cannot drift (a test compares them).
import { writeFileSync } from 'node:fs';
import { ordersDoc } from '../packages/core/src/orders/doc';

writeFileSync(new URL('../docs/ORDERS.md', import.meta.url), ordersDoc());
console.log('wrote docs/ORDERS.md');
