/**
 * The columns of the fault matrix come from the registry: every registered vendor's send
 * paths (from its test data in `test/support/vendors/<name>.ts`), each reached through the
 * vendor's descriptor on the sandbox's fake.
 */
import type { RateLimitOptions, Sandbox } from '@org/provider-sandbox';
import { sandboxExampleOrder } from '../sandbox.js';
import { TEST_VENDORS, type TestVendor } from '../test-vendors.js';
import type { Column } from './model.js';

function columnsOf({ descriptor, name, data }: TestVendor): Column[] {
  return data.faultMatrix.sendPaths.map((path) => {
    const orderId = path.orderId ?? ((sb: Sandbox) => sandboxExampleOrder(sb, descriptor));
    return {
      id: path.id ?? name,
      label: path.label ?? descriptor.title,
      vendor: name,
      sendOperation: path.sendOperation,
      orderId,
      storedOrderId: path.storedOrderId ?? orderId,
      expected: path.expected ?? {},
    };
  });
}

export const COLUMNS: readonly Column[] = TEST_VENDORS.flatMap(columnsOf);

/** Sandbox options for the matrix: limits that would throttle its many sends raised. */
export const MATRIX_SANDBOX_OPTIONS: { readonly rateLimits: RateLimitOptions } = {
  rateLimits: Object.fromEntries(
    TEST_VENDORS.flatMap(({ name, data }) =>
      data.faultMatrix.sandboxRateLimits ? [[name, data.faultMatrix.sandboxRateLimits]] : [],
    ),
  ),
};
