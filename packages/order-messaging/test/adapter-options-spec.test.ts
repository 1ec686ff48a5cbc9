/**
 * What the adapters say and check follows the spec: with the generated operation tables changed
 * (as a spec change would change them), the capability prose (`sync.cost`, which the README
 * tables show) and the option bounds change with them. A number restated by hand would not.
 */
import { describe, expect, it, vi } from 'vitest';
import { operationsById as gameboostOperations } from '@org/gameboost-client';
import { operationsById as miraklOperations } from '@org/mirakl-client';
import { ConfigurationError } from '@org/order-messaging';
import gameboost from '@org/order-messaging/gameboost';
import mirakl from '@org/order-messaging/mirakl';
import spp from '@org/order-messaging/spp';
import { operationsById as sppOperations } from '@org/spp-client';

const { retable } = vi.hoisted(() => {
  type Table = Record<string, any>;
  /** A copy of a generated operations module whose table `edit` changed. */
  function retable<M extends { operationTable: Table }>(original: M, edit: (byId: Table) => void) {
    const operationTable = structuredClone(original.operationTable);
    const operationsById = Object.fromEntries(
      Object.values(operationTable).map((entry: any) => [entry.operationId, entry]),
    );
    edit(operationsById);
    return { ...original, operationTable, operationsById };
  }
  return { retable };
});

// Numbers no spec states, so that a literal left in an adapter shows.
vi.mock('../../mirakl-client/src/generated/operations.js', async (importOriginal) =>
  retable(await importOriginal<any>(), (byId) => {
    byId.listThreads.limits.withMessagesMaxMessagesPerThread = 137;
    byId.listThreads.request.params.query.limit.minimum = 3;
  }),
);
vi.mock('../../spp-client/src/generated/operations.js', async (importOriginal) =>
  retable(await importOriginal<any>(), (byId) => {
    byId.listOrders.limits.maxLimit = 75;
    byId.listOrderMessages.limits.maxLimit = 40;
    byId.listOrderMessages.request.params.query.limit.minimum = 2;
  }),
);
vi.mock('../../gameboost-client/src/generated/operations.js', async (importOriginal) =>
  retable(await importOriginal<any>(), (byId) => {
    byId.listAccountOrders.limits.maxPerPage = 25;
    byId.listAccountOrderMessages.rateLimits.chat.limit = 7;
  }),
);

describe('capability prose reads its numbers from the client tables', () => {
  it('the tables are the changed ones', () => {
    expect(miraklOperations.listThreads.limits.withMessagesMaxMessagesPerThread).toBe(137);
    expect(sppOperations.listOrders.limits.maxLimit).toBe(75);
    expect(gameboostOperations.listAccountOrders.limits.maxPerPage).toBe(25);
  });

  it('mirakl: M11 message cap', () => {
    const cap = miraklOperations.listThreads.limits.withMessagesMaxMessagesPerThread;
    expect(mirakl.capabilities.sync?.cost).toContain(`past M11's ${cap}-message cap`);
  });

  it('spp: orders per list page', () => {
    const perPage = sppOperations.listOrders.limits.maxLimit;
    expect(spp.capabilities.sync?.cost).toContain(`1 order list per ${perPage} changed orders`);
  });

  it('gameboost: orders per page and the chat bucket', () => {
    const perPage = gameboostOperations.listAccountOrders.limits.maxPerPage;
    const chat = gameboostOperations.listAccountOrderMessages.rateLimits.chat;
    expect(chat.periodSeconds).toBe(60);
    const cost = gameboost.capabilities.sync?.cost;
    expect(cost).toContain(`(${perPage} orders a page)`);
    expect(cost).toContain(`(chat limit ${chat.limit}/min!)`);
  });
});

describe('option bounds are read from the client tables', () => {
  const SPP = {
    baseUrl: 'https://acme.spp.co',
    token: 'spp_live_8a1b2c3d4e5f60718293a4b5c6d7e8f9',
  };
  const MIRAKL = {
    baseUrl: 'https://acme.mirakl.net',
    auth: { type: 'apiKey' as const, apiKey: 'mirakl_9d8c7b6a5f4e3d2c1b0a' },
  };

  it('spp pageSize: the listing limit minimum and maxLimit', () => {
    expect(() => spp({ ...SPP, pageSize: 41 })).toThrow(
      'spp: pageSize must be a whole number from 2 to 40 (got 41)',
    );
    expect(() => spp({ ...SPP, pageSize: 1 })).toThrow(ConfigurationError);
    expect(() => spp({ ...SPP, pageSize: 40 })).not.toThrow();
    expect(() => spp({ ...SPP, pageSize: 2 })).not.toThrow();
  });

  it('mirakl pageSize: the M11 limit minimum', () => {
    expect(() => mirakl({ ...MIRAKL, pageSize: 2 })).toThrow(
      'mirakl: pageSize must be a whole number of at least 3 (got 2)',
    );
    expect(() => mirakl({ ...MIRAKL, pageSize: 3 })).not.toThrow();
  });
});
