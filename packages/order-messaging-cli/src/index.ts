/**
 * `@org/order-messaging-cli` as a library: {@link run} runs the `order-messaging` command in
 * this process and resolves to its exit code ({@link EXIT_CODES}). The commands' engines (the
 * send-bulk runner, its journal, the input readers) are internal: use the facade,
 * `@org/order-messaging`, to build on them.
 *
 * @example
 * ```ts
 * import { run, EXIT_CODES } from '@org/order-messaging-cli';
 *
 * const code = await run(['node', 'order-messaging', 'capabilities', '--json']);
 * if (code !== EXIT_CODES.ok) process.exitCode = code;
 * ```
 *
 * @module
 */
export { run, type RunOptions } from './program.js';
export { EXIT_CODES, exitCodeFor, type ExitReason } from './exit-codes.js';
export type { LoadSandbox, RunningSandbox, SandboxModule } from './sandbox.js';
export { PACKAGE_VERSION } from './version.js';
