/**
 * Webhooks the sandbox sends to registered URLs, signed as the vendor signs them, with every
 * attempt recorded so tests can assert what was sent and what the receiver answered.
 */
import { phpJsonEncode, signWebhookBody } from './signing.js';

/** The vendors the sandbox sends webhooks for: only GameBoost documents any. */
export type WebhookVendor = 'gameboost';

/**
 * A receiver the sandbox sends signed webhooks to (`webhooks` option, or
 * `sandbox.webhooks.register`).
 */
export interface WebhookTarget {
  /** Only GameBoost documents webhooks among the sandbox's vendors. */
  readonly vendor: WebhookVendor;
  /** Where to POST; any http(s) URL (the receiver under test). */
  readonly url: string;
  /** The endpoint's signing secret. */
  readonly secret: string;
  /** Only these event names (default: all). */
  readonly events?: readonly string[];
  /** Attempts until a 2xx answer (default 1); GameBoost itself retries with a backoff. */
  readonly maxAttempts?: number;
  /** Wait before attempt n+1: `retryDelayMs * 2^(n-1)` (default 100). */
  readonly retryDelayMs?: number;
  /** Per attempt (default 5000). */
  readonly timeoutMs?: number;
}

/** One attempt to deliver a webhook, and the receiver's answer. */
export interface WebhookAttempt {
  /** Undefined when no answer came (connection refused, timeout). */
  readonly status: number | undefined;
  /** The receiver's answer body. */
  readonly responseBody?: string;
  /** Why no answer came (refused, timed out). */
  readonly error?: string;
  /** When the attempt started, on the sandbox clock. */
  readonly at: Date;
}

/** A webhook the sandbox sent, with every attempt: what tests assert on. */
export interface WebhookDelivery {
  /** The delivery's id (`redeliver` takes it). */
  readonly id: string;
  /** The vendor it was sent as. */
  readonly vendor: WebhookVendor;
  /** The target's URL. */
  readonly url: string;
  /** The event name, e.g. `account.order.purchased`. */
  readonly event: string;
  /** The body exactly as signed and sent. */
  readonly body: string;
  /** The `Signature` header sent: hex HMAC-SHA256 of `body` with the target's secret. */
  readonly signature: string;
  /** Each attempt, oldest first. */
  readonly attempts: readonly WebhookAttempt[];
  /** True once an attempt got a 2xx. */
  readonly delivered: boolean;
}

interface MutableDelivery extends WebhookDelivery {
  attempts: WebhookAttempt[];
  delivered: boolean;
}

const USER_AGENT: Record<WebhookVendor, string> = { gameboost: 'GameBoost Server' };

function checkTarget(target: WebhookTarget): void {
  if (target.vendor !== 'gameboost') {
    throw new TypeError(`provider-sandbox: no webhooks for vendor "${String(target.vendor)}"`);
  }
  const protocol = URL.canParse(target.url) ? new URL(target.url).protocol : '';
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TypeError(`provider-sandbox: webhook url must be http(s), got "${target.url}"`);
  }
  if (!target.secret) throw new TypeError('provider-sandbox: a webhook target needs a secret');
}

export class WebhookDispatcher {
  readonly #targets = new Set<WebhookTarget>();
  readonly #deliveries: MutableDelivery[] = [];
  #nextId = 1;

  constructor(
    targets: readonly WebhookTarget[],
    private readonly clock: () => Date,
  ) {
    for (const target of targets) this.register(target);
  }

  /** Returns a function that removes the target again. */
  register(target: WebhookTarget): () => void {
    checkTarget(target);
    this.#targets.add(target);
    return () => void this.#targets.delete(target);
  }

  get deliveries(): readonly WebhookDelivery[] {
    return this.#deliveries.map((delivery) => ({ ...delivery, attempts: [...delivery.attempts] }));
  }

  clearDeliveries(): void {
    this.#deliveries.length = 0;
  }

  /** Signs `{ event, payload }` for every matching target and POSTs it; resolves when all are done. */
  async send(vendor: WebhookVendor, event: string, payload: object): Promise<WebhookDelivery[]> {
    const body = phpJsonEncode({ event, payload });
    const matching = [...this.#targets].filter(
      (target) => target.vendor === vendor && (!target.events || target.events.includes(event)),
    );
    return Promise.all(
      matching.map((target) => {
        const delivery: MutableDelivery = {
          id: `whd_${this.#nextId++}`,
          vendor,
          url: target.url,
          event,
          body,
          signature: signWebhookBody(target.secret, Buffer.from(body, 'utf8')),
          attempts: [],
          delivered: false,
        };
        this.#deliveries.push(delivery);
        return this.#attemptAll(delivery, target);
      }),
    );
  }

  /** The same bytes and signature once more, as a vendor retry or a manual replay sends them. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const delivery = this.#deliveries.find((d) => d.id === deliveryId);
    if (!delivery) throw new RangeError(`provider-sandbox: no webhook delivery "${deliveryId}"`);
    await this.#attempt(delivery, {});
    return { ...delivery, attempts: [...delivery.attempts] };
  }

  async #attemptAll(delivery: MutableDelivery, target: WebhookTarget): Promise<WebhookDelivery> {
    const maxAttempts = Math.max(1, target.maxAttempts ?? 1);
    for (let attempt = 1; attempt <= maxAttempts && !delivery.delivered; attempt++) {
      if (attempt > 1) {
        const delay = (target.retryDelayMs ?? 100) * 2 ** (attempt - 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      await this.#attempt(delivery, target);
    }
    return { ...delivery, attempts: [...delivery.attempts] };
  }

  async #attempt(delivery: MutableDelivery, target: Pick<WebhookTarget, 'timeoutMs'>) {
    const at = this.clock();
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT[delivery.vendor],
          Signature: delivery.signature,
        },
        body: Buffer.from(delivery.body, 'utf8'),
        redirect: 'manual',
        signal: AbortSignal.timeout(target.timeoutMs ?? 5000),
      });
      const responseBody = await response.text();
      delivery.attempts.push({ status: response.status, responseBody, at });
      if (response.ok) delivery.delivered = true;
    } catch (error) {
      delivery.attempts.push({ status: undefined, error: String(error), at });
    }
  }
}
