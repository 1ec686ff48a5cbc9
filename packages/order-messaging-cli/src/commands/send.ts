import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  AUDIENCES,
  type Audience,
  type OutgoingAttachment,
  type SendOption,
  type SendRequest,
  type SendResult,
} from '@org/order-messaging';
import { EXIT_CODES, UsageError } from '../exit-codes.js';
import { withSession, type CommandContext, type Session } from '../session.js';
import { withVendorOptions } from '../vendor-options.js';
import { orderIdHelp, orderKindHelp, titlesWhere, type VendorName } from '../vendors.js';
import { messageToJson } from './shared.js';

type SendOptions = Readonly<Record<string, unknown>>;

function parseAudience(raw: unknown): Audience[] | undefined {
  if (typeof raw !== 'string') return undefined;
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const unknown = entries.filter((entry) => !(AUDIENCES as readonly string[]).includes(entry));
  if (unknown.length > 0) {
    throw new UsageError(
      `--audience: unknown audience ${unknown.map((entry) => JSON.stringify(entry)).join(', ')} (use ${AUDIENCES.join(', ')})`,
    );
  }
  return entries as Audience[];
}

async function readAttachment(path: string) {
  try {
    const data = new Uint8Array(await readFile(path));
    return { filename: basename(path), data };
  } catch (error) {
    throw new UsageError(`cannot read attachment ${path}: ${(error as Error).message}`);
  }
}

async function readText(options: { text?: string; textFile?: string }): Promise<string> {
  if (options.text !== undefined && options.textFile !== undefined) {
    throw new UsageError('give either --text or --text-file, not both');
  }
  if (options.text !== undefined) return options.text;
  if (options.textFile !== undefined) {
    try {
      const content =
        options.textFile === '-' ? await readStdin() : await readFile(options.textFile, 'utf8');
      return content.replace(/\r?\n$/, '');
    } catch (error) {
      throw new UsageError(
        `cannot read --text-file ${options.textFile}: ${(error as Error).message}`,
      );
    }
  }
  throw new UsageError(
    'the message text is required: --text "..." or --text-file <path> (- for stdin)',
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The vendors that honour a send option, for its help. */
function sendOption(option: SendOption): string {
  return titlesWhere((capabilities) => capabilities.sendOptions.includes(option));
}

/** The request the options describe (the text and files already read, the audience parsed). */
function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function sendRequest(
  vendor: VendorName,
  options: SendOptions,
  text: string,
  attachments: readonly OutgoingAttachment[],
  audience: Audience[] | undefined,
): SendRequest {
  return {
    orderId: options.order as string,
    text,
    ...(options.internal ? { internal: true } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(audience ? { audience } : {}),
    ...withVendorOptions(vendor, {
      orderKind: stringOption(options.orderKind),
      subject: stringOption(options.subject),
      channel: stringOption(options.channel),
      threadId: stringOption(options.thread),
    }),
  };
}

function printSent(
  session: Session,
  vendor: VendorName,
  result: SendResult,
  options: SendOptions,
): void {
  if (session.json) {
    session.output.json({
      message: messageToJson(result.message, options.raw === true),
      reconciled: result.reconciled,
      attempts: result.attempts,
    });
    return;
  }
  const message = result.message;
  session.output.out(
    `sent message ${message.id} on ${vendor} order ${message.orderId} at ${message.sentAt.toISOString()}` +
      (message.attachments.length > 0 ? ` with ${message.attachments.length} attachment(s)` : '') +
      (result.reconciled
        ? ' (the first attempt was ambiguous; the message was found on the order, not sent twice)'
        : ''),
  );
}

/** `send`: one message on one order. */
export function addSendCommand(program: Command, context: CommandContext): void {
  program
    .command('send')
    .description('send one message on an order')
    .requiredOption('--order <id>', orderIdHelp({ withKinds: true }))
    .option('--text <text>', 'message text')
    .option('--text-file <path>', 'read the message text from a file (- for stdin)')
    .option(
      '--internal',
      `staff-only note, hidden from the customer (${titlesWhere((c) => c.internalNotes)})`,
    )
    .option(
      '--attach <file>',
      'attach a file (repeat for several)',
      (path: string, previous: string[] = []) => [...previous, path],
    )
    .option('--order-kind <kind>', orderKindHelp())
    .option(
      '--audience <list>',
      `comma-separated audiences where the vendor lets you choose: ${AUDIENCES.join(', ')}`,
    )
    .option('--subject <text>', `${sendOption('subject')}: topic of a new thread`)
    .option('--channel <type>', `${sendOption('channel')}: channel type to send in`)
    .option(
      '--thread <id>',
      `${sendOption('threadId')}: reply in this thread instead of the most recent one`,
    )
    .option('--raw', "with --json: include the vendor's own message object")
    .action(
      withSession(context, async (session, options: SendOptions) => {
        const vendor = session.requireVendor();
        const text = await readText(options as { text?: string; textFile?: string });
        const attachments = await Promise.all(
          ((options.attach as string[] | undefined) ?? []).map(readAttachment),
        );
        const messaging = await session.messaging([vendor]);
        const audience = parseAudience(options.audience);
        const request = sendRequest(vendor, options, text, attachments, audience);
        printSent(session, vendor, await messaging.send(vendor, request), options);
        return EXIT_CODES.ok;
      }),
    );
}
