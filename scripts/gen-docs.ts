// Writes docs/ORDERS.md from the order state machine in packages/core/src/orders/state.ts and
// docs/DATA_MODEL.md from the access patterns the store's entities declare, so the docs and the
// code cannot drift (tests compare them).
import { writeFileSync } from 'node:fs';
import { ordersDoc } from '../packages/core/src/orders/doc';
import { dataModelDoc } from '../packages/store/src/data-model-doc';

writeFileSync(new URL('../docs/ORDERS.md', import.meta.url), ordersDoc());
console.log('wrote docs/ORDERS.md');
writeFileSync(new URL('../docs/DATA_MODEL.md', import.meta.url), dataModelDoc());
console.log('wrote docs/DATA_MODEL.md');
