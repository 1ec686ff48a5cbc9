/**
 * The project's example consumer: one facade over four vendors, against the
 * provider sandbox. It sends a message on an order through each vendor (the
 * Mirakl one with an attachment), lists every order's messages back and prints
 * them as one table.
 *
 *   pnpm demo            (builds, then runs node examples/demo/dist/main.js)
 */
import { pathToFileURL } from 'node:url';
import {
  createOrderMessaging,
  isOrderMessagingError,
  type OrderMessage,
  type SendRequest,
  type SendResult,
} from '@org/order-messaging';
import { gameboost } from '@org/order-messaging/gameboost';
import { mirakl } from '@org/order-messaging/mirakl';
import { omnidesk } from '@org/order-messaging/omnidesk';
import { spp } from '@org/order-messaging/spp';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';

export type DemoConnection = 'mirakl' | 'spp' | 'omnidesk' | 'gameboost';

export interface DemoStep {
  readonly connection: DemoConnection;
  readonly request: SendRequest;
}

export interface DemoOutcome {
  readonly connection: DemoConnection;
  readonly orderId: string;
  readonly sent?: SendResult;
  /** The order's messages as listed after the send, oldest first. */
  readonly messages?: readonly OrderMessage[];
  readonly error?: string;
}

export interface DemoResult {
  readonly outcomes: readonly DemoOutcome[];
  readonly ok: boolean;
}

export interface DemoOptions {
  /** A running sandbox to use (tests pass their own); otherwise one is started and closed. */
  readonly sandbox?: Sandbox;
  /** Where the table and summary go (default stdout). */
  readonly write?: (text: string) => void;
}

function connect(sandbox: Sandbox) {
  const { vendors } = sandbox;
  return createOrderMessaging({
    connections: {
      mirakl: mirakl({
        baseUrl: vendors.mirakl.baseUrl,
        auth: { type: 'apiKey', apiKey: vendors.mirakl.apiKey },
        shopId: vendors.mirakl.shopId,
      }),
      spp: spp({ baseUrl: vendors.spp.baseUrl, token: vendors.spp.token }),
      omnidesk: omnidesk({ baseUrl: vendors.omnidesk.baseUrl, apiKey: vendors.omnidesk.apiKey }),
      gameboost: gameboost({ baseUrl: vendors.gameboost.baseUrl, token: vendors.gameboost.token }),
    },
    timeoutMs: 10_000,
  });
}

/** One message per vendor, on a seeded order of the sandbox. */
export function demoSteps(sandbox: Sandbox): DemoStep[] {
  const { seed } = sandbox;
  const packingSlip = new TextEncoder().encode(
    'Packing slip\nOrder SANDBOX-1001-A\n1 x Espresso machine\n',
  );
  return [
    {
      connection: 'mirakl',
      request: {
        orderId: seed.mirakl.orderWithThread,
        text: 'Your parcel left our warehouse today; the packing slip is attached.',
        attachments: [
          { filename: 'packing-slip.txt', data: packingSlip, contentType: 'text/plain' },
        ],
      },
    },
    {
      connection: 'spp',
      request: {
        orderId: seed.spp.orderWithFewMessages.number,
        text: 'The audit report is ready for review.',
      },
    },
    {
      connection: 'omnidesk',
      request: {
        orderId: String(seed.omnidesk.ticketWithMessages),
        text: 'A replacement is on its way to you.',
      },
    },
    {
      connection: 'gameboost',
      request: {
        orderId: seed.gameboost.accountOrders.processing,
        orderKind: 'account',
        text: 'The account details are ready: please check your order page.',
      },
    },
  ];
}

function describeError(error: unknown): string {
  if (isOrderMessagingError(error)) return `${error.kind}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function formatTime(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

export function renderTable(outcomes: readonly DemoOutcome[]): string {
  const headers = ['vendor', 'order', 'author', 'sent at (UTC)', 'text', 'attachments'];
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    for (const message of outcome.messages ?? []) {
      const isNew = message.id === outcome.sent?.message.id;
      rows.push([
        outcome.connection,
        outcome.orderId,
        message.author.name
          ? `${message.author.kind} (${excerpt(message.author.name, 18)})`
          : message.author.kind,
        formatTime(message.sentAt),
        `${isNew ? '* ' : ''}${message.internal ? '[note] ' : ''}${excerpt(message.text, 48)}`,
        message.attachments.map((attachment) => attachment.filename).join(', '),
      ]);
    }
  }
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(`${text}\n`));
  const sandbox = options.sandbox ?? (await startSandbox());
  try {
    const messaging = connect(sandbox);
    const outcomes: DemoOutcome[] = [];
    for (const step of demoSteps(sandbox)) {
      const { connection, request } = step;
      try {
        const sent = await messaging.send(connection, request);
        const listed = await messaging.listAll(connection, {
          orderId: request.orderId,
          ...(request.orderKind ? { orderKind: request.orderKind } : {}),
        });
        const messages = [...listed].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
        const found = messages.some((message) => message.id === sent.message.id);
        outcomes.push({
          connection,
          orderId: request.orderId,
          sent,
          messages,
          ...(found
            ? {}
            : { error: `the sent message ${sent.message.id} is not in the order's listing` }),
        });
      } catch (error) {
        outcomes.push({ connection, orderId: request.orderId, error: describeError(error) });
      }
    }

    write(
      `Order messages through @org/order-messaging, against the provider sandbox at ${sandbox.url}`,
    );
    write('(* marks the message this demo just sent)\n');
    write(renderTable(outcomes));
    write('');
    for (const outcome of outcomes) {
      if (outcome.error) {
        write(`FAILED ${outcome.connection} order ${outcome.orderId}: ${outcome.error}`);
      } else {
        const sent = outcome.sent!;
        const attachments = sent.message.attachments.length;
        write(
          `ok     ${outcome.connection.padEnd(9)} order ${outcome.orderId}: sent message ${sent.message.id}` +
            `${attachments > 0 ? ` with ${attachments} attachment(s)` : ''}, ${outcome.messages!.length} message(s) on the order`,
        );
      }
    }
    const failed = outcomes.filter((outcome) => outcome.error !== undefined).length;
    write(
      `\n${outcomes.length - failed} of ${outcomes.length} vendors: message sent and listed back.`,
    );
    return { outcomes, ok: failed === 0 };
  } finally {
    if (!options.sandbox) await sandbox.close();
  }
}

export async function main(): Promise<number> {
  try {
    const result = await runDemo();
    return result.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`demo failed: ${describeError(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
