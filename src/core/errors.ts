/** Errors the numerics raise for input the frameworks would reject. Messages are shown to users. */
export class LossLensError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation (both shapes are in the message). */
export class ShapeError extends LossLensError {}

/** A dtype the operation does not accept, or two dtypes a framework refuses to mix. */
export class DTypeError extends LossLensError {}

/** An argument value the framework rejects (e.g. label_smoothing outside [0, 1]). */
export class ValueError extends LossLensError {}

/**
 * Work stopped because a size or time budget ran out, or the caller cancelled. `reason` tells a
 * result refused before allocating ('size': the rest of a file can still be evaluated) from a
 * deadline, an exhausted memory ledger or a cancellation ('time', 'memory', 'cancelled': all work
 * under that budget stops, and such an error is never cached as a value: a fresh budget may
 * compute it).
 */
export class BudgetError extends LossLensError {
  constructor(
    message: string,
    readonly reason: 'size' | 'memory' | 'time' | 'cancelled' = 'size',
  ) {
    super(message);
  }

  /** True when the deadline passed, the memory ledger ran out or the caller cancelled: nothing more can be computed under this budget. */
  get stopsAll(): boolean {
    return this.reason !== 'size';
  }
}
