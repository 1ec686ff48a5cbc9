/**
 * `sandbox.webhooks`: register receivers, make the sandbox's state produce an event (a GameBoost
 * purchase), and inspect or replay what was delivered.
 */
import type { SandboxState } from '../state.js';
import type {
  GameBoostOrderKind,
  GameBoostOrderStatus,
  GameBoostState,
} from '../vendors/gameboost.js';
import { purchaseGameBoostOrder, type GameBoostPurchase } from '../vendors/gameboost-purchase.js';
import {
  WebhookDispatcher,
  type WebhookDelivery,
  type WebhookTarget,
  type WebhookVendor,
} from './dispatcher.js';

export type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookTarget,
  WebhookVendor,
} from './dispatcher.js';
export type { GameBoostPurchase } from '../vendors/gameboost-purchase.js';

/**
 * `sandbox.webhooks`: register receivers, make the sandbox's state produce an event, and inspect or
 * replay what was delivered.
 */
export interface SandboxWebhooks {
  /** Adds a receiver; returns a function that removes it. Targets survive `reset()`. */
  register(target: WebhookTarget): () => void;
  /** Every delivery since start or the last `reset()`, oldest first, with each attempt's answer. */
  readonly deliveries: readonly WebhookDelivery[];
  /** Signs and sends any `{ event, payload }` to the vendor's matching targets. */
  send(vendor: WebhookVendor, event: string, payload: object): Promise<WebhookDelivery[]>;
  /** Sends a past delivery's exact bytes and signature again (a retry or a manual replay). */
  redeliver(deliveryId: string): Promise<WebhookDelivery>;
  /**
   * A buyer buys: a new GameBoost order (default an `account` order in `processing`, so it accepts
   * messages) appears in the sandbox, and `<kind>.order.purchased` goes to the registered targets.
   */
  purchaseGameBoostOrder(options?: {
    readonly kind?: GameBoostOrderKind;
    readonly status?: GameBoostOrderStatus;
  }): Promise<GameBoostPurchase & { readonly deliveries: readonly WebhookDelivery[] }>;
}

export function createSandboxWebhooks(
  targets: readonly WebhookTarget[],
  state: SandboxState,
  clock: () => Date,
): SandboxWebhooks & { clearDeliveries(): void } {
  const dispatcher = new WebhookDispatcher(targets, clock);
  return {
    register: (target) => dispatcher.register(target),
    get deliveries() {
      return dispatcher.deliveries;
    },
    send: (vendor, event, payload) => dispatcher.send(vendor, event, payload),
    redeliver: (deliveryId) => dispatcher.redeliver(deliveryId),
    async purchaseGameBoostOrder(options = {}) {
      const gameboost = state.vendorState('gameboost') as GameBoostState;
      const purchase = purchaseGameBoostOrder(gameboost, clock(), options.kind, options.status);
      const deliveries = await dispatcher.send('gameboost', purchase.event, purchase.order);
      return { ...purchase, deliveries };
    },
    clearDeliveries: () => dispatcher.clearDeliveries(),
  };
}
