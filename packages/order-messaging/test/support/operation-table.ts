/**
 * Every facade operation, callable the same way for every registered vendor, against a
 * sandbox's fakes or a hostile server standing in at another origin with the same paths.
 */
import type { Sandbox } from '@org/provider-sandbox';
import type { CallSettings, OrderMessaging } from '@org/order-messaging';
import {
  VENDORS,
  type AnyVendorDescriptor,
  type SettingValues,
} from '@org/order-messaging/vendors';

export const DESCRIPTORS = VENDORS as readonly AnyVendorDescriptor[];

/** The descriptor's sandbox settings, its base URL moved from the sandbox to `origin`. */
export function settingsAt(
  sb: Sandbox,
  descriptor: AnyVendorDescriptor,
  origin: string,
): SettingValues {
  const access = (sb.vendors as Record<string, { baseUrl: string }>)[descriptor.name]!;
  return descriptor.sandbox.settings({
    ...access,
    baseUrl: access.baseUrl.replace(sb.url, origin),
  });
}

export function orderOf(sb: Sandbox, descriptor: AnyVendorDescriptor): string {
  return descriptor.sandbox.exampleOrder((sb.seed as Record<string, unknown>)[descriptor.name]);
}

export type Operation = (
  messaging: OrderMessaging<Record<string, never>>,
  descriptor: AnyVendorDescriptor,
  settings: CallSettings,
) => Promise<unknown>;

/** One call of each facade operation on the vendor's example order. */
export function operationsOn(sandbox: () => Sandbox): Record<string, Operation> {
  const order = (d: AnyVendorDescriptor) => orderOf(sandbox(), d);
  return {
    send: (m, d, s) => m.send(d.name, { orderId: order(d), text: 'Hello from the test' }, s),
    list: async (m, d, s) => {
      for await (const message of m.list(d.name, { orderId: order(d) }, s)) return message;
      return undefined;
    },
    listAll: (m, d, s) => m.listAll(d.name, { orderId: order(d) }, s),
    findSent: (m, d, s) =>
      m.findSent(
        d.name,
        { orderId: order(d), text: 'Hello from the test' },
        { ...s, since: new Date() },
      ),
    downloadAttachment: (m, d, s) => m.downloadAttachment(d.name, 'attachment-1', s),
    sync: async (m, d, s) => {
      for await (const event of m.sync(d.name, { ...s, since: new Date(0) })) return event;
      return undefined;
    },
    auditSync: (m, d, s) => m.auditSync(d.name, { ...s, since: new Date(0), seen: [] }),
    inbox: (m, d, s) => m.inbox(d.name, s),
  };
}

/** Operations the vendor offers; the others fail before the network whatever the settings. */
export function offered(descriptor: AnyVendorDescriptor, operation: string): boolean {
  const capabilities = descriptor.capabilities;
  if (operation === 'send') return capabilities.send;
  if (operation === 'downloadAttachment') return capabilities.attachmentDownload === true;
  if (operation === 'findSent') return capabilities.reconcile === 'by-listing';
  if (['sync', 'auditSync', 'inbox'].includes(operation))
    return (capabilities.sync?.mode ?? 'none') !== 'none';
  return capabilities.list;
}
