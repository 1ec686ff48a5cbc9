import type { Command } from 'commander';
import { VENDORS } from '@org/order-messaging/vendors';
import { EXIT_CODES } from '../exit-codes.js';
import { withSession, type CommandContext } from '../session.js';

function formatCapability(value: unknown): string {
  if (value === false) return 'no';
  if (value === true) return 'yes';
  if (Array.isArray(value)) return value.length === 0 ? '(vendor decides)' : value.join(', ');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, entry]) => `${key}=${String(entry)}`)
      .join(' ');
  }
  return String(value);
}

/** `capabilities`: the descriptors' static data, so no credentials (and no sandbox) are needed. */
export function addCapabilitiesCommand(program: Command, context: CommandContext): void {
  program
    .command('capabilities')
    .description(
      'show what a vendor supports (text limits, attachments, internal notes, audiences...)',
    )
    .action(
      withSession(context, async (session) => {
        const only = session.options.vendor !== undefined ? session.requireVendor() : undefined;
        const all = Object.fromEntries(
          VENDORS.filter((vendor) => only === undefined || vendor.name === only).map((vendor) => [
            vendor.name,
            vendor.capabilities,
          ]),
        );
        if (session.json) {
          session.output.json({ capabilities: all });
        } else {
          for (const [vendor, capabilities] of Object.entries(all)) {
            session.output.out(`${vendor}:`);
            for (const [field, fieldValue] of Object.entries(capabilities)) {
              if (field === 'vendor') continue;
              session.output.out(`  ${field.padEnd(14)} ${formatCapability(fieldValue)}`);
            }
          }
        }
        return EXIT_CODES.ok;
      }),
    );
}
