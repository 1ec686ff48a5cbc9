// Run by response-limits.test.ts in a child process, so its memory is measured alone:
// `node --expose-gc memory-probe.mjs <spp base URL>`. Lists and sends once against a hostile
// vendor (whatever it answers), and prints one JSON line: the errors and the memory growth.
import { createOrderMessaging } from '@org/order-messaging';
import { spp } from '@org/order-messaging/spp';

const [baseUrl] = process.argv.slice(2);
const facade = createOrderMessaging({
  connections: { spp: spp({ baseUrl, token: 'probe-token' }) },
  retry: false,
  reconcile: { settleDelayMs: 0 },
});

function describe(error) {
  return {
    name: error?.name,
    kind: error?.kind,
    delivery: error?.delivery,
    typed: error?.constructor?.name !== 'Error' && typeof error?.kind === 'string',
    message: String(error?.message).slice(0, 300),
  };
}

// Loads the HTTP stack (undici) before the baseline, so only the bodies are measured.
await fetch(new URL('warm-up', baseUrl))
  .then((response) => response.body?.cancel())
  .catch(() => {});
global.gc();
const before = process.memoryUsage();
let peakRss = before.rss;
let peakArrayBuffers = before.arrayBuffers;
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
}, 5);

// One operation at a time, collected in between: the growth measured is what one call costs,
// not several dead bodies the collector has not got to yet.
const outcome = {};
try {
  await facade.listAll('spp', { orderId: '1001' });
  outcome.list = { name: 'no error' };
} catch (error) {
  outcome.list = describe(error);
}
global.gc();
try {
  await facade.send('spp', { orderId: '1001', text: 'hello' });
  outcome.send = { name: 'no error' };
} catch (error) {
  outcome.send = describe(error);
}
clearInterval(sampler);
const after = process.memoryUsage();
peakRss = Math.max(peakRss, after.rss);
const MB = 1024 * 1024;
console.log(
  JSON.stringify({
    ...outcome,
    rssGrowthMb: (peakRss - before.rss) / MB,
    arrayBuffersGrowthMb: (peakArrayBuffers - before.arrayBuffers) / MB,
  }),
);
