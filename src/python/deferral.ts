import { BudgetError, LossLensError } from '../core/errors';
import type { Binding } from './scope';
import { EvalError } from './values';

/**
 * How the evaluator follows chains of names of any length without the stack or quadratic time.
 *
 * Binding evaluations nest: `x = x + 1` evaluates the previous x first, which evaluates the one
 * before it... Beyond DEFER_DEPTH nested levels the evaluator throws a `Deferred` for the binding
 * it needs instead of recursing. The outermost evaluation (`runDeferring`) catches it, evaluates
 * that binding at the top of the stack (which caches its value or its real error, and may defer
 * a deeper one in turn), and restarts. Each round completes DEFER_DEPTH links of the chain, so
 * 100,000 reassignments cost linear time and bounded stack.
 */
export const DEFER_DEPTH = 250;

/** Longest chain of deferred bindings followed (DEFER_DEPTH levels each: 5,000,000 links). */
const MAX_DEFERRED = 20_000;

/** A binding to evaluate first (never cached, never shown to the user). */
export class Deferred {
  constructor(
    readonly binding: Binding,
    /** The feed_dict it is evaluated under (evaluator.ts's Feeds), if any. */
    readonly feeds: unknown,
  ) {}
}

/** Errors that are not facts about the code and pass through every catch unchanged. */
export function isControl(e: unknown): boolean {
  return e instanceof Deferred || (e instanceof BudgetError && e.stopsAll);
}

/** Errors made by the evaluator for a binding (their message already names it, once). */
export const BINDING_ERRORS = new WeakSet<EvalError>();

/**
 * Runs `attempt` until it completes, evaluating each binding it defers with `evaluate` first
 * (deepest first). Errors of `evaluate` that are cached on the binding (real errors) are left
 * for the restarted attempt to read; budget errors that stop everything propagate.
 */
export function runDeferring<T>(attempt: () => T, evaluate: (d: Deferred) => unknown): T {
  const pending: Deferred[] = [];
  const seen = new Map<Binding, Set<unknown>>(); // (binding, feeds) pairs deferred so far
  for (;;) {
    try {
      if (pending.length === 0) return attempt();
      const d = pending[pending.length - 1];
      try {
        evaluate(d);
      } catch (e) {
        const cached = e instanceof EvalError || (e instanceof LossLensError && !(e instanceof BudgetError && e.stopsAll));
        if (!cached) throw e;
      }
      pending.pop();
    } catch (e) {
      if (!(e instanceof Deferred)) throw e;
      let feedsSeen = seen.get(e.binding);
      if (feedsSeen?.has(e.feeds) || pending.length >= MAX_DEFERRED) {
        throw new EvalError(`'${e.binding.name}' depends on itself or on a chain of names too long to evaluate`, true);
      }
      if (!feedsSeen) seen.set(e.binding, (feedsSeen = new Set()));
      feedsSeen.add(e.feeds);
      pending.push(e);
    }
  }
}
