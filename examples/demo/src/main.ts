/**
 * The project's example consumer: one facade over every vendor the package has an adapter
 * for, against the provider sandbox. The vendors come from the registry
 * (`@org/order-messaging/vendors`): each descriptor says how to reach its fake in the sandbox,
 * turns those settings into the adapter's options and names a seeded order. The demo sends a
 * message on that order through each vendor (with a packing slip attached where the vendor
 * takes attachments), lists every order's messages back and prints them as one table.
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
import {
  VENDORS,
  type AnyVendorDescriptor,
  type RegisteredVendorName,
} from '@org/order-messaging/vendors';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';

export type DemoConnection = RegisteredVendorName;

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

/** The registry's descriptors, each able to build its own adapter from setting values. */
const DESCRIPTORS: readonly AnyVendorDescriptor[] = VENDORS;

/** The sandbox's entry for one vendor (base URL, public test credentials), as setting values. */
function sandboxSettings(sandbox: Sandbox, descriptor: AnyVendorDescriptor) {
  const entries = sandbox.vendors as unknown as Readonly<Record<string, Record<string, unknown>>>;
  const access = entries[descriptor.name];
  if (!access) throw new Error(`the sandbox has no fake of ${descriptor.title}`);
  return descriptor.sandbox.settings(access);
}

function connect(sandbox: Sandbox) {
  return createOrderMessaging({
    connections: Object.fromEntries(
      DESCRIPTORS.map((descriptor) => [
        descriptor.name,
        descriptor.createAdapter(descriptor.toOptions(sandboxSettings(sandbox, descriptor))),
      ]),
    ),
    timeoutMs: 10_000,
  });
}

/**
 * One message per vendor, on the seeded order its descriptor names; a packing slip goes with
 * it where the vendor takes attachments.
 */
export function demoSteps(sandbox: Sandbox): DemoStep[] {
  const seed = sandbox.seed as unknown as Readonly<Record<string, unknown>>;
  return DESCRIPTORS.map((descriptor): DemoStep => {
    const connection = descriptor.name as DemoConnection;
    const orderId = descriptor.sandbox.exampleOrder(seed[descriptor.name]);
    if (descriptor.capabilities.attachments === false) {
      return { connection, request: { orderId, text: 'Your order is on its way.' } };
    }
    const packingSlip = new TextEncoder().encode(
      `Packing slip\nOrder ${orderId}\n1 x Espresso machine\n`,
    );
    return {
      connection,
      request: {
        orderId,
        text: 'Your order is on its way; packing slip attached.',
        attachments: [
          { filename: 'packing-slip.txt', data: packingSlip, contentType: 'text/plain' },
        ],
      },
    };
  });
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
          ...(request.vendorOptions ? { vendorOptions: request.vendorOptions } : {}),
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
    const width = Math.max(...outcomes.map((outcome) => outcome.connection.length));
    for (const outcome of outcomes) {
      if (outcome.error) {
        write(`FAILED ${outcome.connection} order ${outcome.orderId}: ${outcome.error}`);
      } else {
        const sent = outcome.sent!;
        const attachments = sent.message.attachments.length;
        write(
          `ok     ${outcome.connection.padEnd(width)} order ${outcome.orderId}: sent message ${sent.message.id}` +
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
