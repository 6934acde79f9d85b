// `npx tsx bench/booking/profile.ts`: where a booking's Node CPU goes. Builds the booking bench's world,
// warms up, then records a V8 CPU profile of 8 x 40 bookings and prints self time by function and by
// package (the .cpuprofile is kept in /tmp for Chrome DevTools). A tool for the next person chasing the
// booking ratio, not part of `npm run bench`.
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { openTable, withDynamo } from '../fixtures/dynamo';
import { bearer, buildWorld, ELDERS, post, type World } from './setup';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

let seq = 0;
const book = async (w: World, i: number) => {
  const e = w.elders[i]!;
  const body = { merchant_id: w.merchant_id, service_id: w.service_id, slot_start: null };
  const key = `profile-${process.pid}-${String(++seq).padStart(8, '0')}`;
  const res = await w.request('/api/orders', bearer(e.token, post(body, { 'idempotency-key': key })));
  if (res.status !== 201) throw new Error(`booking: ${res.status} ${await res.text()}`);
};
const eightWay = (w: World, n: number) =>
  Promise.all(
    Array.from({ length: ELDERS }, async (_, i) => {
      for (let k = 0; k < n; k++) await book(w, i);
    }),
  );

const where = (url: string): string => {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  if (url.includes('/packages/')) return url.replace(/.*\/packages\//, 'packages/');
  return url ? url.replace(/.*\//, '') : '(native)';
};

const top = (m: Map<string, number>, total: number, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');

const main = async () => {
  await withDynamo(async (dynamo) => {
    const w = await buildWorld(await openTable(dynamo, 'profile'));
    w.deps.notifier = { send: async () => undefined };
    await eightWay(w, 10);
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    await s.post('Profiler.setSamplingInterval', { interval: 200 });
    await s.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const n = Number(process.env.PROFILE_N ?? 40);
    await eightWay(w, n);
    const cpu = process.cpuUsage(cpu0);
    const { profile } = (await s.post('Profiler.stop')) as unknown as { profile: Profile };
    writeFileSync('/tmp/booking.cpuprofile', JSON.stringify(profile));
    const byFn = new Map<string, number>();
    const byPkg = new Map<string, number>();
    let total = 0;
    for (const node of profile.nodes) {
      const f = node.callFrame;
      const fn = `${f.functionName || '(anon)'} ${where(f.url)}:${f.lineNumber + 1}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + node.hitCount);
      byPkg.set(where(f.url), (byPkg.get(where(f.url)) ?? 0) + node.hitCount);
      total += node.hitCount;
    }
    console.log(`CPU per booking: ${((cpu.user + cpu.system) / 1000 / (ELDERS * n)).toFixed(2)} ms`);
    console.log(`\nby package/file:\n${top(byPkg, total, 30)}\n\nby function:\n${top(byFn, total, 45)}`);
  });
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
