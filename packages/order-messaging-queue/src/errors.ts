/** The queue's own typed failure: bad options or a ledger that does not hold what it must. */
export class QueueError extends Error {
  /** Always `'QueueError'`. */
  override readonly name = 'QueueError';
  constructor(
    /** `configuration`: the options are wrong; `ledger`: Redis lost or changed an entry. */
    readonly kind: 'configuration' | 'ledger',
    message: string,
  ) {
    super(message);
  }
}
