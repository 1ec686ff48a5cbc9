import type { Command } from 'commander';
import { EXIT_CODES } from '../exit-codes.js';
import type { CliMessage } from '../facade.js';
import { excerpt, table } from '../output.js';
import { withSession, type CommandContext } from '../session.js';
import { withVendorOptions } from '../vendor-options.js';
import { orderIdHelp, orderKindHelp } from '../vendors.js';
import { messageToJson, positiveInteger, shortTime } from './shared.js';

/** The messages as a table, oldest first: that reads like a conversation, whatever the vendor's order. */
function messageTable(messages: readonly CliMessage[]): string {
  return table(
    ['sent at', 'author', 'id', 'note', 'attachments', 'text'],
    [...messages]
      .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime())
      .map((message) => [
        shortTime(message.sentAt),
        message.author.name
          ? `${message.author.kind}: ${excerpt(message.author.name, 24)}`
          : message.author.kind,
        message.id,
        message.internal ? 'internal' : '',
        message.attachments.map((attachment) => attachment.filename).join(', '),
        excerpt(message.text, 60),
      ]),
  );
}

/** `list`: every message of one order, every page (or up to `--limit`). */
export function addListCommand(program: Command, context: CommandContext): void {
  program
    .command('list')
    .description("list an order's messages (every page)")
    .requiredOption('--order <id>', orderIdHelp({ withKinds: false }))
    .option('--order-kind <kind>', orderKindHelp())
    .option('--limit <n>', 'stop after this many messages', positiveInteger('--limit'))
    .option('--raw', "with --json: include the vendor's own message objects")
    .action(
      withSession(context, async (session, options: Record<string, unknown>) => {
        const vendor = session.requireVendor();
        const messaging = await session.messaging([vendor]);
        const limit = options.limit as number | undefined;
        const messages: CliMessage[] = [];
        for await (const message of messaging.list(vendor, {
          orderId: options.order as string,
          ...withVendorOptions(vendor, {
            orderKind: typeof options.orderKind === 'string' ? options.orderKind : undefined,
          }),
        })) {
          messages.push(message);
          if (limit !== undefined && messages.length >= limit) break;
        }
        if (session.json) {
          session.output.json({
            messages: messages.map((message) => messageToJson(message, options.raw === true)),
          });
        } else if (messages.length === 0) {
          session.output.out(`no messages on ${vendor} order ${options.order as string}`);
        } else {
          session.output.out(messageTable(messages));
          session.output.out(`${messages.length} message(s)`);
        }
        return EXIT_CODES.ok;
      }),
    );
}
