import { VENDORS } from '@org/order-messaging/vendors';
import { startSandbox, type Sandbox } from '@org/provider-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSteps, runDemo, type DemoResult } from '../src/main.js';

let sandbox: Sandbox;
let result: DemoResult;
const printed: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
  result = await runDemo({ sandbox, write: (text) => printed.push(text) });
});

afterAll(async () => {
  await sandbox.close();
});

describe('demo', () => {
  it('sends one message through each of the four vendors', () => {
    expect(result.ok).toBe(true);
    expect(result.outcomes.map((outcome) => outcome.connection)).toEqual([
      'mirakl',
      'spp',
      'omnidesk',
      'gameboost',
    ]);
    for (const outcome of result.outcomes) {
      expect(outcome.error).toBeUndefined();
      expect(outcome.sent?.reconciled).toBe(false);
      expect(outcome.sent?.message.vendor).toBe(outcome.connection);
    }
  });

  it('stores each message exactly once at the vendor, with its attachment where it takes them', () => {
    const steps = demoSteps(sandbox);
    for (const step of steps) {
      const vendor = step.connection;
      const stored = sandbox.state
        .messages(vendor, step.request.orderId)
        .filter((message) => message.text === step.request.text);
      expect(stored, `${vendor} ${step.request.orderId}`).toHaveLength(1);
      if (step.request.attachments)
        expect(stored[0]!.attachments?.map((attachment) => attachment.name)).toEqual([
          'packing-slip.txt',
        ]);
    }
    // Attached exactly where the vendor's capabilities allow it.
    expect(steps.filter((step) => step.request.attachments).map((step) => step.connection)).toEqual(
      VENDORS.filter((d) => d.capabilities.attachments !== false).map((d) => d.name),
    );
    expect(steps.find((step) => step.connection === 'mirakl')?.request.attachments).toHaveLength(1);
  });

  it("lists each order's messages back, including the one just sent", () => {
    for (const outcome of result.outcomes) {
      // Mirakl's deprecated OR42/M01 order messages live outside threads; the facade reads threads only.
      const stored = sandbox.state
        .messages(outcome.connection, outcome.orderId)
        .filter((message) => outcome.connection !== 'mirakl' || message.threadId !== undefined);
      expect(outcome.messages?.map((message) => message.id).sort(), outcome.connection).toEqual(
        stored.map((message) => message.id).sort(),
      );
      const sentId = outcome.sent!.message.id;
      expect(outcome.messages!.some((message) => message.id === sentId)).toBe(true);
      const times = outcome.messages!.map((message) => message.sentAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    const mirakl = result.outcomes.find((outcome) => outcome.connection === 'mirakl')!;
    expect(mirakl.sent!.message.attachments.map((attachment) => attachment.filename)).toEqual([
      'packing-slip.txt',
    ]);
  });

  it('prints a table with every listed message and a summary', () => {
    const output = printed.join('\n');
    expect(output).toMatch(/vendor\s+order\s+author\s+sent at \(UTC\)\s+text\s+attachments/);
    const rows = output
      .split('\n')
      .filter((line) => /^(mirakl|spp|omnidesk|gameboost)\s/.test(line));
    const listed = result.outcomes.reduce((sum, outcome) => sum + outcome.messages!.length, 0);
    expect(rows).toHaveLength(listed);
    expect(rows.filter((row) => row.includes('* '))).toHaveLength(4);
    expect(output).toMatch(/packing-slip\.txt/);
    expect(output).toContain('4 of 4 vendors: message sent and listed back.');
  });
});
