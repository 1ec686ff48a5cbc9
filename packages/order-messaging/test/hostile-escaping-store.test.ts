/**
 * A vendor that keeps texts as HTML, behind a hostile server: the send's answer is lost after the
 * vendor stored the message, and every listing shows the stored text entity-escaped and wrapped
 * in `<p>` (`It&#039;s d&eacute;j&agrave; vu`). Reconciliation must recognise that copy as the
 * message sent: found (`reconciled: true`), posted exactly once, never sent again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { createOrderMessaging } from '@org/order-messaging';
import { adapterFromSettings, vendorDescriptor } from '@org/order-messaging/vendors';
import { COLUMNS } from './support/fault-matrix/index.js';
import { storedAsHtml } from './support/html-escape.js';
import { startHostileServer, type HostileServer } from './support/hostile-server.js';
import { sandboxSettings } from './support/sandbox.js';

let sb: Sandbox;
let hostile: HostileServer;

beforeAll(async () => {
  sb = await startSandbox();
  hostile = await startHostileServer({ upstream: sb.url });
});
afterAll(async () => {
  await hostile?.close();
  await sb?.close();
});
beforeEach(() => {
  sb.reset();
  hostile.clear();
});

/** Named, decimal and hex entities, markup, a newline: what such a vendor rewrites. */
const TEXT = `It's déjà vu \u2014 5 < 6 & "quoted"\nsecond line`;

/** Every send path of every registered vendor (Mirakl: a reply, and a new thread). */
describe.each(COLUMNS.map((column) => [column.label, column] as const))(
  '%s behind an entity-escaping store',
  (_label, column) => {
    it('an answer lost after the store is reconciled as found, posted once', async () => {
      const descriptor = vendorDescriptor(column.vendor)!;
      const settings = sandboxSettings(sb, descriptor);
      const adapter = adapterFromSettings(descriptor, {
        ...settings,
        baseUrl: hostile.via(String(settings.baseUrl)),
      });
      hostile.add({
        method: 'POST',
        times: 1,
        behaviour: { kind: 'entity-escaping-store', dropAnswer: true },
      });
      hostile.add({ method: 'GET', behaviour: { kind: 'entity-escaping-store' } });
      const messaging = createOrderMessaging({
        connections: { [descriptor.name]: adapter },
        reconcile: { settleDelayMs: 0 },
      });
      const text = `${TEXT} (${column.id} ${Date.now()})`;
      const orderId = column.orderId(sb);

      const result = await messaging.send(descriptor.name, { orderId, text });

      expect(result.reconciled).toBe(true);
      // Found as the vendor shows it, not as it was sent.
      expect(result.message.text).toBe(storedAsHtml(text));
      expect(hostile.hits.filter((hit) => hit.method === 'POST')).toHaveLength(1);
      const copies = sb.state
        .messages(descriptor.name, column.storedOrderId(sb))
        .filter((message) => message.text === text);
      expect(copies).toHaveLength(1);
      expect(result.message.id).toBe(copies[0]!.id);
    });
  },
);
