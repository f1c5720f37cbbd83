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

/** Work stopped because a size or time budget ran out, or the caller cancelled. */
export class BudgetError extends LossLensError {}
