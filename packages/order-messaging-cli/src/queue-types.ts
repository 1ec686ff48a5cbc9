/**
 * The types the CLI uses of `@org/order-messaging-queue`. Type-only: they vanish from the built
 * JavaScript, so importing them never loads the optional peer.
 */
export type { LedgerState, LedgerStatus, SendQueue, SendWorker } from '@org/order-messaging-queue';

export type QueueModule = typeof import('@org/order-messaging-queue');
