/** Reaching a registered vendor's fake in the provider sandbox through its descriptor. */
import type { Sandbox } from '@org/provider-sandbox';
import type { AnyVendorDescriptor } from '@org/order-messaging/vendors';

/** The sandbox's base URL and credentials for one vendor, as the descriptor's setting values. */
export function sandboxSettings(sb: Pick<Sandbox, 'vendors'>, descriptor: AnyVendorDescriptor) {
  const access = (
    sb.vendors as unknown as Readonly<Record<string, Readonly<Record<string, unknown>>>>
  )[descriptor.name];
  if (!access) throw new Error(`the sandbox has no fake of "${descriptor.name}"`);
  return descriptor.sandbox.settings(access);
}

/** The descriptor's example order on the sandbox (a seeded order or ticket with messages). */
export function sandboxExampleOrder(
  sb: Pick<Sandbox, 'seed'>,
  descriptor: AnyVendorDescriptor,
): string {
  return descriptor.sandbox.exampleOrder(
    (sb.seed as Readonly<Record<string, unknown>>)[descriptor.name],
  );
}

/** A connection to the vendor's fake, built as the descriptor builds it from settings. */
export function sandboxAdapter(
  sb: Pick<Sandbox, 'vendors'>,
  descriptor: AnyVendorDescriptor,
  extra: Readonly<Record<string, unknown>> = {},
) {
  return descriptor.createAdapter({
    ...descriptor.toOptions(sandboxSettings(sb, descriptor)),
    ...extra,
  });
}
