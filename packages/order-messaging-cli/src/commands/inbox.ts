import type { Command } from 'commander';
import type { InboxEntry } from '@org/order-messaging';
import { EXIT_CODES } from '../exit-codes.js';
import { excerpt, table } from '../output.js';
import { ScanProgress } from '../progress.js';
import { withSession, type CommandContext } from '../session.js';
import { syncVendorTitles } from '../vendors.js';
import {
  isoDate,
  messageToJson,
  orderOptionsSuffix,
  progressIntervalOption,
  rawOption,
  scanDeadline,
  shortTime,
} from './shared.js';

export function inboxEntryJson(entry: InboxEntry, includeRaw: boolean) {
  return {
    orderId: entry.orderId,
    ...(entry.vendorOptions ? { vendorOptions: entry.vendorOptions } : {}),
    needsReply: { since: entry.needsReply.since.toISOString() },
    lastMessage: entry.lastMessage ? messageToJson(entry.lastMessage, includeRaw) : null,
  };
}

function inboxTable(entries: readonly InboxEntry[]): string {
  return table(
    ['order', 'waiting since', 'last message'],
    entries.map(({ orderId, vendorOptions, needsReply, lastMessage }) => [
      `${orderId}${orderOptionsSuffix(vendorOptions)}`,
      shortTime(needsReply.since),
      lastMessage ? `${lastMessage.author.kind}: ${excerpt(lastMessage.text, 60)}` : '',
    ]),
  );
}

/** `inbox`: the orders whose customer waits for an answer, longest waiting first. */
export function addInboxCommand(program: Command, context: CommandContext): void {
  program
    .command('inbox')
    .description(
      `list the orders waiting for a reply, longest waiting first (${syncVendorTitles()})`,
    )
    .option(
      '--since <iso>',
      'only orders changed since this instant (default: every order the vendor lists)',
      isoDate('--since'),
    )
    .addOption(rawOption())
    .addOption(progressIntervalOption())
    .action(
      withSession(context, async (session, options: Record<string, unknown>) => {
        const vendor = session.requireVendor();
        const messaging = await session.messaging([vendor]);
        const since = options.since as Date | undefined;
        // The facade reports no pages for the inbox: the elapsed time shows the scan is alive.
        const progress = new ScanProgress(
          (line) => session.output.err(line),
          `inbox ${vendor}: scanning`,
          options.progressInterval as number,
        );
        let entries: InboxEntry[];
        try {
          entries = await messaging.inbox(vendor, {
            ...scanDeadline(session.options.totalTimeout),
            ...(since ? { since } : {}),
          });
        } finally {
          progress.stop();
        }
        if (session.json) {
          session.output.json({
            orders: entries.map((entry) => inboxEntryJson(entry, options.raw === true)),
          });
        } else if (entries.length === 0) {
          session.output.out(`no ${vendor} order is waiting for a reply`);
        } else {
          session.output.out(inboxTable(entries));
          session.output.out(`${entries.length} order(s) waiting for a reply`);
        }
        return EXIT_CODES.ok;
      }),
    );
}
