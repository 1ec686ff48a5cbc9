#!/usr/bin/env node
/**
 * `order-messaging-sandbox [--port 4010] [--host 127.0.0.1] [--json | --env]`
 *
 * Starts the sandbox and prints each vendor's base URL, credentials and seeded ids (or,
 * with `--env`, the order-messaging CLI's environment for them), then serves until
 * SIGINT/SIGTERM. The credentials are the sandbox's fixed public
 * ones, so printing them reveals nothing; the server refuses non-loopback hosts.
 */
import { parseArgs } from 'node:util';
import { exportLines } from './env.js';
import { sandboxCliEnv, startSandbox, type Sandbox, type VendorName } from './index.js';
import { isLoopbackHost } from './loopback.js';

const USAGE = `Usage: order-messaging-sandbox [--port <n>] [--host <loopback address>] [--json | --env]

  --port   port to listen on (default 4010; 0 picks a free one)
  --host   loopback address to bind (default 127.0.0.1)
  --json   print the URLs, credentials and seeded ids as one JSON line
  --env    print \`export NAME='value'\` lines that point the order-messaging CLI at this
           sandbox (every vendor), then keep serving
  --help   show this help
`;

function describe(sandbox: Sandbox): string {
  const lines = [`Provider sandbox listening on ${sandbox.url}`, ''];
  for (const [vendor, info] of Object.entries(sandbox.vendors)) {
    const { baseUrl, ...credentials }: { readonly baseUrl: string } = info;
    lines.push(`${vendor}`);
    lines.push(`  base URL     ${baseUrl}`);
    for (const [key, value] of Object.entries(credentials))
      lines.push(`  ${key.padEnd(12)} ${String(value)}`);
    lines.push(`  seeded ids   ${JSON.stringify(sandbox.seed[vendor as VendorName])}`);
    lines.push(`  try          ${sandbox.examples[vendor as VendorName]}`);
    lines.push('');
  }
  lines.push('Press Ctrl+C to stop.');
  return lines.join('\n');
}

async function main(): Promise<number> {
  let values: { port?: string; host?: string; json?: boolean; env?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        json: { type: 'boolean' },
        env: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.json && values.env) {
    process.stderr.write(`--json and --env print different things; pick one\n\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? 4010 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer between 0 and 65535, got "${values.port}"\n`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    process.stderr.write(
      `--host must be a loopback address (127.0.0.1, ::1 or localhost): the sandbox's credentials are public. Got "${host}".\n`,
    );
    return 2;
  }

  const sandbox = await startSandbox({
    port,
    host,
    onViolation(violation) {
      process.stderr.write(
        `[sandbox] response breaks ${violation.vendor} spec: ${violation.method} ${violation.path} (${violation.operationId}) ${violation.status}: ${violation.problems.join('; ')}\n`,
      );
    },
  });
  if (values.env) {
    // A comment first: the lines stay valid shell when pasted or redirected into a file to source.
    const lines = [
      `# order-messaging CLI -> provider sandbox on ${sandbox.url} (Ctrl+C stops it)`,
      ...exportLines(sandboxCliEnv(sandbox)),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } else if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ url: sandbox.url, vendors: sandbox.vendors, seed: sandbox.seed, examples: sandbox.examples })}\n`,
    );
  } else {
    process.stdout.write(`${describe(sandbox)}\n`);
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `order-messaging-sandbox: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
