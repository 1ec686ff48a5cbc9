/**
 * The registered vendors with their test data, loaded by name from `./vendors/<name>.ts`: a
 * vendor added to the registry without test data fails every suite that uses this, by name.
 */
import type { Responder } from '@org/http-runtime/testing';
import {
  secretValues,
  VENDORS,
  type AnyVendorDescriptor,
  type RegisteredVendorName,
} from '@org/order-messaging/vendors';
import type { VendorTestData } from './vendor-test-data.js';

/** A registered vendor with its test data. */
export interface TestVendor {
  readonly descriptor: AnyVendorDescriptor;
  readonly name: RegisteredVendorName;
  readonly data: VendorTestData;
  /** The one credential among `data.settings`. */
  readonly secret: string;
}

async function load(descriptor: AnyVendorDescriptor): Promise<TestVendor> {
  const file = `./vendors/${descriptor.name}.js`;
  let data: VendorTestData;
  try {
    data = ((await import(/* @vite-ignore */ file)) as { default: VendorTestData }).default;
  } catch (error) {
    throw new Error(
      `no test data for the registered vendor "${descriptor.name}": add test/support/vendors/${descriptor.name}.ts`,
      { cause: error },
    );
  }
  if (data.name !== descriptor.name) {
    throw new Error(`test/support/vendors/${descriptor.name}.ts describes "${data.name}"`);
  }
  const secrets = secretValues(descriptor, data.settings);
  if (secrets.length !== 1) {
    throw new Error(`${descriptor.name}: the unit-test settings need exactly one credential`);
  }
  return { descriptor, name: data.name, data, secret: secrets[0]! };
}

export const TEST_VENDORS: readonly TestVendor[] = await Promise.all(VENDORS.map(load));

export function testVendor(name: string): TestVendor {
  const found = TEST_VENDORS.find((vendor) => vendor.name === name);
  if (!found) throw new Error(`"${name}" is not a registered vendor`);
  return found;
}

/** The value of the test data for each vendor, keyed by name. */
export function byVendor<T>(
  value: (vendor: TestVendor) => T,
): Readonly<Record<RegisteredVendorName, T>> {
  return Object.fromEntries(TEST_VENDORS.map((vendor) => [vendor.name, value(vendor)])) as Record<
    RegisteredVendorName,
    T
  >;
}

/** A responder for unit tests of a send: the vendor's reads, then `onPost` for the write. */
export function sendResponder(name: string, onPost: Responder): Responder {
  const { sendReads } = testVendor(name).data;
  const posted: Request[] = [];
  return async (request) => {
    if (request.method === 'GET') return sendReads(request, new URL(request.url).pathname, posted);
    const copy = request.clone();
    const response = await onPost(request);
    // Only a post the fake vendor accepted shows up in its read-backs.
    if (response.ok) posted.push(copy);
    return response;
  };
}
