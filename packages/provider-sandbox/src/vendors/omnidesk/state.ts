/** What the Omnidesk fake holds: administrator users, and tickets with their timelines. */

export interface OmnideskAgent {
  id: number;
  name: string;
}

export interface TimelineEntry {
  type: string;
  id: string;
  ticket_id: number;
  user_id: number | null;
  user_name: string | null;
  content: string;
  channel_id: number;
  direction: 'in' | 'out' | 'internal';
  status_new: string | null;
  created_at: Date;
  /** Fields of POST /message kept for inspection (recipients, schedule, forwarded files). */
  details: Record<string, unknown>;
}

export interface OmnideskTicket {
  id: number;
  title: string;
  status: string;
  priority: string | null;
  channel_id: number;
  channel_name: string;
  customer_id: number | null;
  brand_id: number;
  from: string;
  to: string;
  created_at: Date;
  closed_at: Date | null;
  timeline: TimelineEntry[];
  events: TimelineEntry[];
}

export interface OmnideskState {
  agents: OmnideskAgent[];
  tickets: OmnideskTicket[];
  nextTicketId: number;
  nextEntryId: number;
}

/** The sandbox's public Omnidesk credentials (`sandbox.vendors.omnidesk`). */
export interface OmnideskCredentials {
  /** Sent as the `apiKey` query parameter. */
  readonly apiKey: string;
  /** The tenant name of `https://{account}.omnidesk.com/api/v2`. */
  readonly account: string;
}

export const API_KEY = 'od_sandbox_5b2f8c1d7e4a49f3b6c0d9e8a7f61234';
export const ACCOUNT = 'sandbox';

export function findTicket(state: OmnideskState, id: unknown): OmnideskTicket | undefined {
  return state.tickets.find((t) => t.id === id);
}
