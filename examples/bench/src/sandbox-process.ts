import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxOptions } from '@org/provider-sandbox';
import type { SandboxInfo } from './plans.js';

export type SandboxRequest =
  | { type: 'reset'; id: number }
  | { type: 'messages'; id: number; vendor: string; orderId?: string }
  | { type: 'statuses'; id: number }
  | { type: 'close' };

export type SandboxReply =
  | { type: 'ready'; info: SandboxInfo }
  | { type: 'done'; id: number }
  | { type: 'messages'; id: number; texts: string[] }
  | { type: 'statuses'; id: number; counts: Record<string, number>; violations: number };

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** A sandbox running in a child process, on an ephemeral loopback port. */
export interface RemoteSandbox {
  readonly info: SandboxInfo;
  /** Back to the seeded state, rate-limit windows included. */
  reset(): Promise<void>;
  /** Texts of the messages stored on an order, oldest first. */
  messageTexts(vendor: string, orderId?: string): Promise<string[]>;
  /** Responses by status since the last reset, and the count of responses that broke the spec. */
  statuses(): Promise<{ counts: Record<string, number>; violations: number }>;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startRemoteSandbox(options: SandboxOptions = {}): Promise<RemoteSandbox> {
  const entry = path.join(here, `sandbox-server${path.extname(fileURLToPath(import.meta.url))}`);
  const child: ChildProcess = fork(entry, [JSON.stringify(options)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Running from src/ under tsx, the child needs the same loader.
    execArgv: process.execArgv,
  });
  let nextId = 1;
  const pending = new Map<number, (reply: SandboxReply) => void>();
  const info = await new Promise<SandboxInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start within 30 s')), 30_000);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`sandbox exited with code ${code} before it was ready`)),
    );
    child.on('message', (raw: unknown) => {
      const reply = raw as SandboxReply;
      if (reply.type === 'ready') {
        clearTimeout(timer);
        resolve(reply.info);
        return;
      }
      const settle = pending.get(reply.id);
      pending.delete(reply.id);
      settle?.(reply);
    });
  });
  child.removeAllListeners('exit');

  function ask<R extends SandboxReply>(
    request: DistributiveOmit<SandboxRequest, 'id'>,
  ): Promise<R> {
    const id = nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sandbox did not answer ${request.type}`)),
        30_000,
      );
      pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply as R);
      });
      child.send({ ...request, id });
    });
  }

  return {
    info,
    async reset() {
      await ask({ type: 'reset' });
    },
    async messageTexts(vendor, orderId) {
      const reply = await ask<Extract<SandboxReply, { type: 'messages' }>>({
        type: 'messages',
        vendor,
        ...(orderId === undefined ? {} : { orderId }),
      });
      return reply.texts;
    },
    async statuses() {
      const reply = await ask<Extract<SandboxReply, { type: 'statuses' }>>({ type: 'statuses' });
      return { counts: reply.counts, violations: reply.violations };
    },
    close() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'close' });
      });
    },
  };
}
