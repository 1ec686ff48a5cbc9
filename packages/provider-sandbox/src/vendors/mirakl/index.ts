/**
 * Mirakl Marketplace Platform messaging (specs/mirakl.yaml), seller side: threads
 * (M10 read, M11 seek-paginated list, M12 reply, M13 attachment download, OR43 new
 * thread on an order) and the deprecated OR42/M01 order messages. Errors are
 * `{message, status}`.
 */
import { defineVendor } from '../../types.js';
import { miraklErrors } from './errors.js';
import { orderMessageHandlers } from './order-messages.js';
import { storedMessages } from './resources.js';
import { seed, seedIds, type MiraklSeed } from './seed.js';
import { customerMessage, populate } from './simulate.js';
import { API_KEY, BEARER, SHOP_ID, type MiraklCredentials, type MiraklState } from './state.js';
import { threadHandlers } from './threads.js';

export type { MiraklSeed } from './seed.js';
export { MIRAKL_LIMITS, type MiraklLimits } from './limits.js';
export type { MiraklCredentials, MiraklState } from './state.js';

export const mirakl = defineVendor<MiraklState, MiraklCredentials, MiraklSeed>({
  name: 'mirakl',
  credentials: { apiKey: API_KEY, bearerToken: BEARER, shopId: SHOP_ID },
  secrets: { api_key: API_KEY, bearer_token: BEARER },
  seed,
  seedIds,
  messages: storedMessages,
  customerMessage,
  populate,
  handlers: { ...threadHandlers, ...orderMessageHandlers },
  example: (baseUrl, seed) =>
    `curl -H 'Authorization: ${API_KEY}' '${baseUrl}/api/inbox/threads?entity_type=MMP_ORDER&entity_id=${seed.orderWithThread}&with_messages=true'`,
  errors: miraklErrors,
});
