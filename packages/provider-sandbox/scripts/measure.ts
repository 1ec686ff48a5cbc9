/**
 * Bounded load measurement of the sandbox on loopback (keep-alive connections):
 * `pnpm --filter @org/provider-sandbox measure` (about 10 s in total: two 3 s scenarios plus start-up).
 *
 * The sandbox runs in a child process so the load generator does not share its event
 * loop. Two scenarios, each for a fixed duration against 127.0.0.1 only:
 *   - Mirakl M10 GET of a seeded thread (auth, parameter validation, response validation);
 *   - SPP POST of a JSON message (body validation, state change, response validation).
 * Prints requests per second and latency percentiles for each.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startSandbox, type Sandbox } from '../src/index.js';

const SCENARIO_SECONDS = 3;
const CONNECTIONS = 10;

/** One load scenario: a request against the running sandbox, repeated by autocannon. */
interface Scenario {
  readonly name: string;
  readonly url: string;
  readonly method?: 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * The scenarios, deliberately two vendors' operations: they stand for the sandbox's two kinds
 * of work (a validated read of seeded state; a validated write that changes state). Built in
 * the child from its sandbox, and handed to the parent as JSON.
 */
function scenarios(sb: Sandbox): Scenario[] {
  return [
    {
      name: 'Mirakl M10 GET thread',
      url: `${sb.vendors.mirakl.baseUrl}/api/inbox/threads/${sb.seed.mirakl.threadId}`,
      headers: { authorization: sb.vendors.mirakl.apiKey },
    },
    {
      name: 'SPP POST JSON message',
      url: `${sb.vendors.spp.baseUrl}/api/order_messages/${sb.seed.spp.orderWithoutMessages.id}`,
      method: 'POST',
      headers: {
        authorization: `Bearer ${sb.vendors.spp.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ message: 'Load test message', staff_only: false }),
    },
  ];
}

async function serve(): Promise<void> {
  // Only the documented GameBoost limits exist by default; none applies to these scenarios.
  const sb = await startSandbox({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify(scenarios(sb))}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    const violations = sb.responseViolations.length;
    void sb.close().then(() => {
      process.stderr.write(`response violations: ${violations}\n`);
      process.exit(violations === 0 ? 0 : 1);
    });
  });
}

async function run(name: string, options: autocannon.Options): Promise<void> {
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: SCENARIO_SECONDS,
    ...options,
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(
    `${name.padEnd(34)} ${Math.round(result.requests.average).toString().padStart(6)} req/s  ` +
      `p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  ` +
      `${result.requests.total} requests, ${errors} errors/non-2xx`,
  );
}

async function measure(): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise<Scenario[]>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) resolve(JSON.parse(line) as Scenario[]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited early (${code})`)));
  });
  for (const { url } of ready) {
    if (!new URL(url).hostname.startsWith('127.'))
      throw new Error(`refusing to load a non-loopback address: ${url}`);
  }
  console.log(
    `node ${process.version}, ${CONNECTIONS} keep-alive connections, ${SCENARIO_SECONDS} s per scenario, 127.0.0.1`,
  );
  for (const { name, ...request } of ready) await run(name, request);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin.end();
  const code = await exited;
  if (code !== 0) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await measure();
