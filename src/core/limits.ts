import { BudgetError, ValueError } from './errors';

/**
 * The budget every allocation and long kernel loop in src/core checks: a cap on the number of
 * elements one tensor (or list) may hold, a deadline and a cancellation probe.
 *
 * It is ambient (module state) rather than a parameter threaded through every op, because the
 * numerics are synchronous and single-threaded: the caller that starts an evaluation installs
 * its budget with `withBudget`, every op deep inside reads it, and it is restored afterwards
 * even when the op throws. Outside any `withBudget` the defaults apply, so no caller can forget
 * to bound the work.
 */
export interface Budget {
  /** Largest number of elements one result may have. */
  maxElements: number;
  /** Date.now() after which work stops with a BudgetError. */
  deadline?: number;
  /** Polled with the deadline; true stops work with a BudgetError. */
  isCancelled?: () => boolean;
  /**
   * Elements all allocations under this budget may add up to, intermediates included (what an
   * evaluator and its cache can hold is bounded by this, not only each result by maxElements).
   */
  ledger?: Ledger;
}

/** A running total of allocated elements, shared by every allocation made under one budget. */
export interface Ledger {
  used: number;
  readonly max: number;
}

/**
 * 1,000,000 elements per result: ten times the largest array literal read (100,000), and small
 * enough that a result's float64 data (8 MB), a loss kernel's double-double temporaries (~50 MB)
 * and its JSON output stay far inside the 512 MiB a whole analysis may use. (At 10,000,000, a
 * single one_hot printed with --json peaked at 512 MiB and took 14 s.)
 */
export const DEFAULT_BUDGET: Budget = { maxElements: 1_000_000 };

/** Default ledger size for one evaluator (its lifetime, cache included): 16 results of the largest size. */
export const DEFAULT_LEDGER_ELEMENTS = 16 * DEFAULT_BUDGET.maxElements;

let current: Budget = DEFAULT_BUDGET;

/** Runs `fn` with `budget` in force (nested calls keep the stricter element cap and deadline). */
export function withBudget<T>(budget: Partial<Budget>, fn: () => T): T {
  const saved = current;
  current = {
    maxElements: Math.min(saved.maxElements, budget.maxElements ?? Infinity),
    deadline: minDefined(saved.deadline, budget.deadline),
    isCancelled: budget.isCancelled ?? saved.isCancelled,
    ledger: budget.ledger ?? saved.ledger,
  };
  try {
    return fn();
  } finally {
    current = saved;
  }
}

export function currentBudget(): Readonly<Budget> {
  return current;
}

/**
 * Refuses, before anything is allocated, a result of `count` elements (or of the given shape)
 * beyond the element budget. `what` names the operation for the message:
 * "tf.one_hot: a result of shape [3, 1000000000] (3,000,000,000 elements) exceeds ...".
 */
export function checkElements(shapeOrCount: readonly number[] | number, what: string): void {
  if (typeof shapeOrCount !== 'number') {
    // A shape that came from user code: refuse what no framework accepts before multiplying it.
    for (const d of shapeOrCount) {
      if (!Number.isInteger(d) || d < 0) {
        throw new ValueError(`${what}: invalid shape [${shapeOrCount.join(', ')}] (dimensions must be non-negative integers)`);
      }
    }
  } else if (!(shapeOrCount >= 0)) {
    throw new ValueError(`${what}: invalid size ${shapeOrCount}`);
  }
  const count = typeof shapeOrCount === 'number' ? shapeOrCount : shapeOrCount.reduce((a, b) => a * b, 1);
  if (!(count <= current.maxElements)) {
    const shape = typeof shapeOrCount === 'number' ? '' : ` of shape [${shapeOrCount.join(', ')}]`;
    const n = Number.isFinite(count) ? count.toLocaleString('en-US') : 'too many';
    throw new BudgetError(`${what}: a result${shape} (${n} elements) exceeds the evaluation limit of ${current.maxElements.toLocaleString('en-US')} elements`);
  }
}

/**
 * Records an allocation of `count` elements against the ledger (if one is installed) and refuses
 * it when the running total would pass the ledger's maximum. Called by `allocate`.
 */
export function chargeElements(count: number): void {
  const l = current.ledger;
  if (!l) return;
  if (l.used + count > l.max) {
    throw new BudgetError(`evaluation stopped: the values computed in this file add up to more than ${l.max.toLocaleString('en-US')} elements (the memory budget)`, 'memory');
  }
  l.used += count;
}

/** Throws a BudgetError when the deadline has passed or the caller cancelled. Cheap: call it every few thousand iterations. */
export function checkTime(): void {
  const b = current;
  if (b.deadline !== undefined && Date.now() > b.deadline) throw new BudgetError('evaluation stopped: the time budget ran out', 'time');
  if (b.isCancelled?.()) throw new BudgetError('evaluation cancelled', 'cancelled');
}

let work = 0;

/**
 * Counts `units` of work (elements a kernel has gone through) and checks the deadline every
 * 65,536 of them: one call per lane or row of a kernel bounds the time between checks whatever
 * the shape (many short lanes or one long one) at the cost of an addition.
 */
export function spend(units: number): void {
  work += units;
  if (work >= 65_536) {
    work = 0;
    checkTime();
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
