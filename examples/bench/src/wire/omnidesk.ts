/** Omnidesk's send on the wire: a multipart POST, then the ticket read once to find the entry. */
import { createOmnideskClient } from '@org/omnidesk-client';
import { asAnyClient, type SandboxInfo, type Wire } from '../plans.js';

export default function omnideskWire({ vendors, seed }: SandboxInfo): Wire {
  const access = vendors.omnidesk;
  const ticket = seed.omnidesk.ticketWithOneMessage;
  return {
    baseUrl: access.baseUrl,
    headers: {},
    query: { apiKey: access.apiKey },
    orderId: String(ticket),
    writeIndex: 0,
    sendCalls: (text) => [
      {
        method: 'POST',
        path: '/message',
        multipart: { ticketID: ticket, type: '1', message: text },
      },
      // The ticket after: the newest matching entry is the sent message (the POST returns no id).
      { method: 'GET', path: '/ticket/{ticketID}', pathParams: { ticketID: ticket } },
    ],
    client: (fetch) =>
      asAnyClient(
        createOmnideskClient({
          baseUrl: access.baseUrl,
          apiKey: access.apiKey,
          ...(fetch ? { fetch } : {}),
        }),
      ),
  };
}
