/** The queue's own typed failure: bad options or a ledger that does not hold what it must. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly kind: 'configuration' | 'ledger',
    message: string,
  ) {
    super(message);
  }
}
