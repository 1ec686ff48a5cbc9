import type {
  OmnideskErrorEnvelope,
  OmnideskResultEnvelope,
  OmnideskTicketEnvelope,
} from '../src/index.js';

/** The 200 example of seed 003_b3097e3a143d61ee.txt, verbatim. */
export const SEED_MESSAGE_CREATED = {
  type: 'result',
  message: 'Message has been sent and the ticket status was updated.',
} satisfies OmnideskResultEnvelope;

/** A ticket shaped like the documented fields (the vendor publishes no full sample). */
export const TICKET = {
  type: 'item',
  item: {
    id: 12345,
    title: 'Where is my order?',
    status: 'new',
    channel_id: 1,
    channel_name: 'e-mail',
    customer_id: 501,
    brand_id: 1,
    assigned_group_id: null,
    assigned_user_id: null,
    direction: 'in',
    from: 'customer@example.com',
    to: 'support@example.com',
    sla_first_response_at: '2024-03-05 12:15:00',
    created_at: '2024-03-05 10:15:00',
    closed_at: null,
    timeline: [
      {
        type: 'message',
        id: '98765',
        ticket_id: 12345,
        user_id: 0,
        user_name: '',
        content: 'Where is my order?',
        channel_id: 1,
        direction: 'in',
        status_new: 'new',
        created_at: '2024-03-05 10:15:00',
      },
      {
        type: 'note',
        id: '98766',
        ticket_id: 12345,
        user_id: 7,
        content: 'Checked.',
        channel_id: 0,
      },
      { type: 'event', created_at: '2024-03-05 10:16:00', event_type: 'assigned' },
    ],
  },
} satisfies OmnideskTicketEnvelope;

/** The error envelope of the older vendor docs (`{"status":"error","message":"..."}`). */
export const ERROR_ENVELOPE = {
  status: 'error',
  message: 'Ticket not found',
} satisfies OmnideskErrorEnvelope;
