import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MAX_DOWNLOAD_BYTES } from '@org/order-messaging';
import { writeFileAtomic } from '../atomic-file.js';
import { EXIT_CODES, UsageError } from '../exit-codes.js';
import { visible } from '../output.js';
import { withSession, type CommandContext } from '../session.js';
import { positiveInteger } from './shared.js';

/**
 * A name for the file from the vendor's filename: its last path segment only (a vendor must not
 * choose where the file goes), without control characters; the attachment id when nothing is left.
 */
export function safeFilename(vendorName: string | undefined, attachmentId: string): string {
  const cleaned = basename((vendorName ?? '').replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') {
    return `attachment-${attachmentId.replace(/[^\w.-]/g, '_')}`;
  }
  return cleaned;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** `download`: one attachment's bytes into a file (never over an existing one unless --force). */
export function addDownloadCommand(program: Command, context: CommandContext): void {
  program
    .command('download')
    .description(
      "save an attachment of a listed message to a file (vendors whose capabilities say 'attachmentDownload')",
    )
    .requiredOption('--attachment <id>', "the attachment's id, as `list --json` shows it")
    .option(
      '-o, --output <file>',
      "where to write it (default: the vendor's file name in the current directory)",
    )
    .option('--force', 'replace the output file if it exists')
    .option(
      '--max-bytes <n>',
      `refuse an attachment larger than this many bytes (default ${DEFAULT_MAX_DOWNLOAD_BYTES})`,
      positiveInteger('--max-bytes'),
    )
    .action(
      withSession(context, async (session, options: Record<string, unknown>) => {
        const vendor = session.requireVendor();
        const id = options.attachment as string;
        const messaging = await session.messaging([vendor]);
        const file = await messaging.downloadAttachment(vendor, id, {
          ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes as number } : {}),
        });
        const path = resolve(
          typeof options.output === 'string' ? options.output : safeFilename(file.filename, id),
        );
        if (options.force !== true && (await exists(path))) {
          throw new UsageError(
            `${path} exists; give --force to replace it, or --output another file`,
          );
        }
        await writeFileAtomic(path, file.data);
        const saved = {
          file: path,
          filename: file.filename,
          ...(file.contentType ? { contentType: file.contentType } : {}),
          bytes: file.data.byteLength,
        };
        if (session.json) session.output.json(saved);
        else {
          const type = file.contentType ? `, ${file.contentType}` : '';
          // The vendor's name is shown with its control characters escaped, never raw.
          session.output.out(
            visible(`saved ${file.filename} (${saved.bytes} bytes${type}) to ${path}`),
          );
        }
        return EXIT_CODES.ok;
      }),
    );
}
