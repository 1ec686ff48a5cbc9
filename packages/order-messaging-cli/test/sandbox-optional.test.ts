/**
 * `@org/provider-sandbox` is an optional peer: only `--sandbox` loads it. Its absence is
 * simulated by injecting the loader, as uninstalling it would break the other tests.
 */
import { describe, expect, it } from 'vitest';
import { capture } from './helpers.js';
import { EXIT_CODES } from '../src/exit-codes.js';
import { run } from '../src/program.js';
import {
  isMissingPackage,
  loadSandbox,
  SANDBOX_PACKAGE,
  type LoadSandbox,
} from '../src/sandbox.js';
import { VENDOR_NAMES } from '../src/vendors.js';

const absent: LoadSandbox = async () => undefined;
const vendor = VENDOR_NAMES[0]!;

describe('--sandbox without @org/provider-sandbox installed', () => {
  it('says how to install it and exits with the usage code', async () => {
    const { streams, out, err } = capture();
    const code = await run(
      ['node', 'order-messaging', 'list', '--sandbox', '--vendor', vendor, '--order', '1'],
      {
        ...streams,
        loadSandbox: absent,
      },
    );
    expect(code).toBe(EXIT_CODES.usage);
    expect(err()).toBe(
      'error (usage): --sandbox needs @org/provider-sandbox: npm install @org/provider-sandbox\n',
    );
    expect(out()).toBe('');
  });

  it('reports it as a usage error with --json too', async () => {
    const { streams, out } = capture();
    const code = await run(
      [
        'node',
        'order-messaging',
        'send',
        '--sandbox',
        '--json',
        '--vendor',
        vendor,
        '--order',
        '1',
        '--text',
        'hello',
      ],
      { ...streams, loadSandbox: absent },
    );
    expect(code).toBe(EXIT_CODES.usage);
    expect(JSON.parse(out())).toEqual({
      exitCode: EXIT_CODES.usage,
      error: {
        kind: 'usage',
        message: '--sandbox needs @org/provider-sandbox: npm install @org/provider-sandbox',
      },
    });
  });

  it('is never loaded by a run without --sandbox', async () => {
    const { streams, out } = capture();
    const code = await run(['node', 'order-messaging', 'capabilities', '--json'], {
      ...streams,
      loadSandbox: () => Promise.reject(new Error('the sandbox must not be loaded')),
    });
    expect(code).toBe(EXIT_CODES.ok);
    expect(Object.keys(JSON.parse(out()).capabilities)).toEqual([...VENDOR_NAMES]);
  });
});

describe('the default sandbox loader', () => {
  it('loads the installed package', async () => {
    const module = await loadSandbox();
    expect(typeof module?.startSandbox).toBe('function');
  });

  it("tells the package's absence from a broken install", () => {
    const error = (message: string) =>
      Object.assign(new Error(message), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(
      isMissingPackage(
        error(
          `Cannot find package '${SANDBOX_PACKAGE}' imported from /app/node_modules/@org/order-messaging-cli/dist/sandbox.js`,
        ),
        SANDBOX_PACKAGE,
      ),
    ).toBe(true);
    // Installed, but missing a dependency of its own: not "install the sandbox".
    expect(
      isMissingPackage(
        error(
          `Cannot find package 'ajv' imported from /app/node_modules/${SANDBOX_PACKAGE}/dist/index.js`,
        ),
        SANDBOX_PACKAGE,
      ),
    ).toBe(false);
    expect(
      isMissingPackage(new Error(`Cannot find package '${SANDBOX_PACKAGE}'`), SANDBOX_PACKAGE),
    ).toBe(false);
  });
});
