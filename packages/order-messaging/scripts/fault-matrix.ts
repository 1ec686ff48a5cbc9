/**
 * The fault matrix: every transport and server fault the provider sandbox can script, on the
 * send operation of every registered vendor, through the facade, with the caller's result set
 * against the messages the sandbox really stored. It proves the delivery guarantees of the README:
 *
 * - lost: the caller was told the message was sent but the sandbox does not have it, or the
 *   caller was told `delivery: 'not_sent'`/`'rejected'` but the sandbox has it;
 * - duplicated: the sandbox stored more than one copy of the text;
 * - `delivery: 'unknown'` is allowed only where the facade cannot tell (the check itself fails),
 *   and the table shows it.
 *
 *   npx -y pnpm@10 --filter @org/order-messaging fault-matrix                   # from the root: writes docs/fault-matrix.md
 *   npx tsx --tsconfig scripts/tsconfig.json scripts/fault-matrix.ts              # in this package: print only
 *
 * The matrix itself (faults, columns from the vendor registry, the runner, the markdown) is
 * test support in `test/support/fault-matrix/`; `test/fault-matrix.test.ts` runs the same matrix.
 * `@org/provider-sandbox` is loaded from its build (`dist/`); build it first after changing it.
 * Everything else (this package, the clients, the runtime) runs from source.
 *
 * Exit code 1 when a message was lost or duplicated, an error was untyped, or a cell is not
 * what the guarantees say.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox } from '@org/provider-sandbox';
import {
  MATRIX_SANDBOX_OPTIONS,
  matrixHolds,
  matrixMarkdown,
  runFaultMatrix,
} from '../test/support/fault-matrix/index.js';

/** The repository checks its markdown with Prettier; align the table the same way when it is installed. */
async function formatted(markdown: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(markdown, { ...config, parser: 'markdown' });
  } catch {
    return markdown;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const output = argv[0];
  const sb = await startSandbox(MATRIX_SANDBOX_OPTIONS);
  try {
    const matrix = await runFaultMatrix(sb);
    const markdown = matrixMarkdown(
      matrix,
      'npx -y pnpm@10 --filter @org/order-messaging fault-matrix',
    );
    if (output) {
      await writeFile(path.resolve(output), await formatted(markdown, path.resolve(output)));
      process.stdout.write(`wrote ${output}\n`);
    }
    process.stdout.write(markdown);
    return matrixHolds(matrix) ? 0 : 1;
  } finally {
    await sb.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
