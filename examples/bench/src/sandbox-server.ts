/**
 * The sandbox in its own process, so that its CPU time (request and response validation, state)
 * is not charged to the client code being measured. Driven over the IPC channel by
 * sandbox-process.ts. Options arrive as JSON in argv[2].
 */
import { startSandbox, type SandboxOptions } from '@org/provider-sandbox';
import type { SandboxRequest, SandboxReply } from './sandbox-process.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox(options);

function reply(message: SandboxReply): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const message = raw as SandboxRequest;
  switch (message.type) {
    case 'reset':
      sandbox.reset();
      reply({ type: 'done', id: message.id });
      break;
    case 'messages':
      reply({
        type: 'messages',
        id: message.id,
        texts: sandbox.state.messages(message.vendor, message.orderId).map((m) => m.text),
      });
      break;
    case 'statuses': {
      const counts: Record<string, number> = {};
      for (const entry of sandbox.state.requests)
        counts[entry.status] = (counts[entry.status] ?? 0) + 1;
      reply({
        type: 'statuses',
        id: message.id,
        counts,
        violations: sandbox.responseViolations.length,
      });
      break;
    }
    case 'close':
      void sandbox.close().then(() => process.exit(0));
      break;
  }
});

process.on('disconnect', () => {
  void sandbox.close().then(() => process.exit(0));
});

reply({ type: 'ready', info: { url: sandbox.url, vendors: sandbox.vendors, seed: sandbox.seed } });
