/**
 * Omnidesk API v2 (specs/omnidesk.yaml): messages inside tickets, read back from
 * the ticket's timeline. `apiKey` query parameter; `{type: "item"|"result", ...}`
 * envelopes; errors `{status: "error", message}` with 400 for invalid input.
 */
import { defineVendor } from '../../types.js';
import { omnideskErrors } from './errors.js';
import { handlers } from './handlers.js';
import { storedMessages } from './resources.js';
import { seed, seedIds, type OmnideskSeed } from './seed.js';
import { customerMessage, populate } from './simulate.js';
import { ACCOUNT, API_KEY, type OmnideskCredentials, type OmnideskState } from './state.js';

export type { OmnideskSeed } from './seed.js';
export type { OmnideskCredentials, OmnideskState } from './state.js';

export const omnidesk = defineVendor<OmnideskState, OmnideskCredentials, OmnideskSeed>({
  name: 'omnidesk',
  credentials: { apiKey: API_KEY, account: ACCOUNT },
  secrets: { apiKey: API_KEY },
  seed,
  seedIds,
  messages: storedMessages,
  customerMessage,
  populate,
  handlers,
  example: (baseUrl, seed) =>
    `curl '${baseUrl}/ticket/${seed.ticketWithMessages}?apiKey=${API_KEY}'`,
  errors: omnideskErrors,
});
