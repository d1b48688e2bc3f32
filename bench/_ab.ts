import autocannon from 'autocannon';
import { startShop } from './shop.js';
const variants = [{ name: 'default', flags: '' }, { name: 'pool1', flags: '--v8-pool-size=1' }];
const shops: Record<string, Awaited<ReturnType<typeof startShop>>> = {};
for (const v of variants) { process.env.BENCH_NODE_FLAGS = v.flags; shops[v.name] = await startShop({ LOG_LEVEL: 'info', SEARCH_RATE_LIMIT: '100000000' }); }
const html = await (await fetch(shops.default!.url + '/rings')).text();
const product = html.match(/href="(\/products\/[a-z0-9-]+)"/)![1]!;
let n = 0;
const res: Record<string, { page: number[]; search: number[] }> = { default: { page: [], search: [] }, pool1: { page: [], search: [] } };
for (let round = 0; round < 4; round++) {
  for (const v of round % 2 ? [...variants].reverse() : variants) {
    const url = shops[v.name]!.url;
    const a = await autocannon({ url: url + product, connections: 10, duration: 5 });
    const b = await autocannon({ url: url + '/search?q=x', connections: 10, duration: 5, requests: [{ setupRequest: (r) => ({ ...r, path: `/search?q=ring+${n++}` }) }] });
    res[v.name]!.page.push(a.requests.average); res[v.name]!.search.push(b.requests.average);
    console.log(round, v.name, Math.round(a.requests.average), a.latency.p99, Math.round(b.requests.average), b.latency.p99);
  }
}
const sum = (x: number[]) => x.reduce((s, y) => s + y, 0);
console.log('page pool1/default', (sum(res.pool1!.page) / sum(res.default!.page)).toFixed(3), 'search', (sum(res.pool1!.search) / sum(res.default!.search)).toFixed(3));
for (const s of Object.values(shops)) await s.stop();
