import { LossLensError, ShapeError } from '../core/errors';
import { DEFAULT_BUDGET, DEFAULT_LEDGER_ELEMENTS, Ledger, checkTime, withBudget } from '../core/limits';
import { BINDING_ERRORS, DEFER_DEPTH, Deferred, isControl, runDeferring } from './deferral';
import { Nested, Tensor } from '../core/tensor';
import { ReprError, parseArrayRepr } from './numpy_repr';
import { Args, bindArgs, CallContext } from './calls/args';
import { CallSpec, ClassSpec, canonicalName, lookupClass, lookupFunction } from './calls/registry';
import { callMethod } from './calls/methods';
import { arithmetic, negate } from './arith';
import { DEFAULT_LIMITS, LiteralLimits, toTensor } from './convert';
import type { Node } from './parser';
import { Binding, Scope, ScopeIndex } from './scope';
import { withStandIns } from './standin';
import { AbstractTensorValue, EvalError, NONE, UnknownValueError, Value, describe } from './values';

/** Placeholder id -> the value a feed_dict gives it. */
export type Feeds = Map<number, Value>;

export interface EvalOptions {
  limits?: LiteralLimits;
  /** Date.now() after which evaluation stops with a BudgetError. */
  deadline?: number;
  isCancelled?: () => boolean;
  /** Largest number of elements one value may have (default: src/core/limits.ts DEFAULT_BUDGET). */
  maxElements?: number;
  /** Elements all allocations of this evaluator may add up to, over its lifetime, its cache included (default DEFAULT_LEDGER_ELEMENTS). */
  maxTotalElements?: number;
}


/**
 * Names a file uses without importing them, resolved by convention (the seed files, notebooks
 * and snippets routinely omit their imports). An import in the file always wins.
 */
export const CONVENTIONAL: Record<string, string> = {
  tf: 'tensorflow', tensorflow: 'tensorflow', np: 'numpy', numpy: 'numpy', torch: 'torch',
  F: 'torch.nn.functional', nn: 'torch.nn', jnp: 'jax.numpy', jax: 'jax', optax: 'optax',
  keras: 'keras', math: 'math', scipy: 'scipy',
};

const BUILTINS = new Set(['float', 'int', 'list', 'tuple', 'print', 'len', 'abs', 'sum', 'max', 'min', 'round']);

interface Ctx {
  scope: Scope;
  feeds?: Feeds;
  depth: number;
}

/**
 * Evaluates Python expressions of a parsed file without running them: literals, names (through
 * their assignments, in order), known tensor functions and loss objects, feed_dict evaluation.
 * Never executes user code; everything it cannot know becomes an EvalError that says why.
 */
export class Evaluator {
  private readonly limits: LiteralLimits;
  private readonly cache = new Map<Binding, Value | EvalError>();
  private readonly feedCaches = new WeakMap<Feeds, Map<Binding, Value | EvalError>>();
  private readonly inProgress = new Set<Binding>();
  private readonly ledger: Ledger;
  private readonly maxElements: number;
  private steps = 0;
  /** Current eval() nesting, across bindings (bounded by DEFER_DEPTH + one expression's depth). */
  private evalDepth = 0;
  /** True inside the outermost public entry (the budget is installed, deferrals are caught). */
  private entered = false;
  /** Set when the current top-level evaluation reached a known tensor function or tensor value. */
  touchedKnown = false;
  /** Notes from calls evaluated during the current top-level evaluation. */
  notes: string[] = [];

  constructor(
    readonly scopes: ScopeIndex,
    private readonly opts: EvalOptions = {},
  ) {
    this.opts = { ...opts };
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.maxElements = opts.maxElements ?? DEFAULT_BUDGET.maxElements;
    this.ledger = { used: 0, max: opts.maxTotalElements ?? DEFAULT_LEDGER_ELEMENTS };
  }

  /** Node id -> value used instead of evaluating that node (see evaluateWith). */
  private overrides?: Map<number, Value>;

  /**
   * Evaluates `node` as if the nodes in `overrides` had the given values: how a rule computes a
   * loss "as meant" (the logits instead of their softmax) without editing or re-parsing the file.
   */
  evaluateWith(node: Node, overrides: Map<number, Value>): Value {
    const saved = this.overrides;
    this.overrides = overrides;
    try {
      return this.evaluate(node);
    } finally {
      this.overrides = saved;
    }
  }

  /** Evaluates `node` where it stands in the file (its names resolve at its position). */
  evaluate(node: Node, feeds?: Feeds): Value {
    this.touchedKnown = false;
    this.notes = [];
    return this.enter(() => this.eval(node, { scope: this.scopes.scopeAt(node.startIndex), feeds, depth: 0 }));
  }

  /**
   * Runs `f` as the outermost evaluation: with this evaluator's budget (deadline, cancellation,
   * element cap, memory ledger) installed for every kernel in src/core, and with deferred
   * bindings (long chains of names) evaluated first, bottom-up, until `f` completes.
   */
  private enter<T>(f: () => T): T {
    if (this.entered) return f();
    this.entered = true;
    try {
      const budget = { maxElements: this.maxElements, deadline: this.opts.deadline, isCancelled: this.opts.isCancelled, ledger: this.ledger };
      return withBudget(budget, () => this.untilDone(f));
    } finally {
      this.entered = false;
    }
  }

  private untilDone<T>(f: () => T): T {
    checkTime(); // an expired or cancelled budget starts nothing
    const touched = this.touchedKnown;
    const notes = this.notes.length;
    return runDeferring(
      () => {
        this.touchedKnown = touched;
        this.notes.length = notes; // a restarted attempt must not repeat the notes of the last one
        return f();
      },
      (d) => this.bindingValue(d.binding, d.feeds as Feeds | undefined),
    );
  }

  /** Sets a new time budget (Date.now() value) and cancellation check for the next evaluations. */
  setBudget(deadline: number | undefined, isCancelled?: () => boolean): void {
    this.opts.deadline = deadline;
    this.opts.isCancelled = isCancelled;
  }

  private eval(node: Node, ctx: Ctx): Value {
    // The deadline and cancellation installed by enter(); kernels check them inside their loops too.
    if ((++this.steps & 15) === 0) checkTime();
    this.evalDepth++;
    try {
      return this.evalNode(node, ctx);
    } finally {
      this.evalDepth--;
    }
  }

  private evalNode(node: Node, ctx: Ctx): Value {
    const o = this.overrides?.get(node.id);
    if (o) return o;
    if (ctx.depth > 200) throw new EvalError('expression nested too deeply to evaluate (over 200 levels)', true, node);
    const c: Ctx = { ...ctx, depth: ctx.depth + 1 };
    switch (node.type) {
      case 'integer': {
        const t = node.text.replace(/_/g, '').toLowerCase();
        if (t.endsWith('j')) throw new EvalError('complex numbers are not supported', false, node);
        return { kind: 'scalar', value: Number(t.endsWith('l') ? t.slice(0, -1) : t), int: true };
      }
      case 'float': {
        const t = node.text.replace(/_/g, '');
        if (/j$/i.test(t)) throw new EvalError('complex numbers are not supported', false, node);
        return { kind: 'scalar', value: Number(t), int: false };
      }
      case 'true':
        return { kind: 'scalar', value: 1, int: true, isBool: true };
      case 'false':
        return { kind: 'scalar', value: 0, int: true, isBool: true };
      case 'none':
        return NONE;
      case 'string':
        return this.evalString(node);
      case 'parenthesized_expression':
        return this.eval(this.child(node, 0), c);
      case 'list':
      case 'tuple':
      case 'expression_list':
        if (node.type === 'list' && node.hasError) return this.evalPrintedArray(node);
        return { kind: 'list', items: node.namedChildren.filter(isNode).filter((n) => n.type !== 'comment').map((n) => this.eval(n, c)), tuple: node.type !== 'list' };
      case 'dictionary':
        return {
          kind: 'dict',
          entries: node.namedChildren.filter(isNode).filter((p) => p.type === 'pair').map((p) => ({
            key: this.evalKey(p.childForFieldName('key')!, c),
            value: this.eval(p.childForFieldName('value')!, c),
          })),
        };
      case 'unary_operator': {
        const op = node.childForFieldName('operator')?.text;
        const v = this.eval(node.childForFieldName('argument')!, c);
        if (op === '+') return v;
        if (op === '-') return negate(v);
        throw new EvalError(`operator ${op} is not supported`, false, node);
      }
      case 'binary_operator': {
        const op = node.childForFieldName('operator')!.text;
        const left = this.eval(node.childForFieldName('left')!, c);
        const right = this.eval(node.childForFieldName('right')!, c);
        if (left.kind === 'tensor' || right.kind === 'tensor' || left.kind === 'abstract' || right.kind === 'abstract') this.touchedKnown = true;
        return this.wrapLoss(() => arithmetic(op, left, right, this.limits), node);
      }
      case 'identifier':
        return this.evalName(node, c);
      case 'attribute':
        return this.evalAttribute(node, c);
      case 'call':
        return this.evalCall(node, c);
      case 'subscript':
        throw new EvalError('indexing (x[...]) is not evaluated yet', false, node);
      case 'ERROR':
        throw new EvalError('this part of the file has a syntax error', false, node);
      default:
        throw new EvalError(`${node.type.replace(/_/g, ' ')} is not evaluated`, false, node);
    }
  }

  private child(node: Node, i: number): Node {
    const n = node.namedChildren.filter(isNode).filter((x) => x.type !== 'comment')[i];
    if (!n) throw new EvalError('incomplete expression', false, node);
    return n;
  }

  /**
   * A list literal with syntax errors inside is often NumPy's printed form pasted into code
   * (`[[0.1 0.2]\n [0.3 0.4]]`, no commas): read it with the printed-form reader.
   */
  private evalPrintedArray(node: Node): Value {
    let arr;
    try {
      arr = parseArrayRepr(node.text, this.limits);
    } catch (e) {
      throw new EvalError(`this list has a syntax error${e instanceof ReprError ? ` (${e.message})` : ''}`, false, node);
    }
    if (arr.start !== 0 || arr.end !== node.text.length) throw new EvalError('this list has a syntax error', false, node);
    const float = /[.en]/i.test(node.text);
    const toValue = (v: Nested): Value =>
      Array.isArray(v) ? { kind: 'list', items: v.map(toValue), tuple: false } : { kind: 'scalar', value: v, int: !float };
    this.notes.push('read as NumPy\'s printed form (no commas): Python would reject this literal');
    return toValue(arr.values);
  }

  private evalString(node: Node): Value {
    if (node.namedChildren.some((c) => c?.type === 'interpolation')) throw new EvalError('f-strings are not evaluated', false, node);
    const content = node.namedChildren.filter(isNode).filter((c) => c.type === 'string_content').map((c) => c.text).join('');
    return { kind: 'string', value: content };
  }

  /** Dict keys in a feed_dict are placeholder names: evaluate them without the feeds. */
  private evalKey(node: Node, ctx: Ctx): Value {
    return this.eval(node, { ...ctx, feeds: undefined });
  }

  private evalName(node: Node, ctx: Ctx): Value {
    const name = node.text;
    const b = ctx.scope.lookup(name, node.startIndex);
    if (!b) {
      if (CONVENTIONAL[name]) return { kind: 'ref', qualname: CONVENTIONAL[name] };
      if (BUILTINS.has(name)) return { kind: 'ref', qualname: `builtins.${name}` };
      throw new EvalError(`'${name}' is not defined in this file`, false, node);
    }
    return this.bindingValue(b, ctx.feeds, node);
  }

  /** The value a binding gives its name; with feeds, placeholders take their fed values. */
  evalBinding(b: Binding, feeds: Feeds | undefined, use?: Node): Value {
    return this.enter(() => this.bindingValue(b, feeds, use));
  }

  private bindingValue(b: Binding, feeds: Feeds | undefined, use?: Node): Value {
    const plain = this.cached(this.cache, b, undefined, use);
    if (!feeds || plain.kind !== 'abstract') return plain;
    if (plain.placeholder) {
      const fed = feeds.get(plain.placeholder.id);
      if (fed) return fed;
      return plain;
    }
    let fc = this.feedCaches.get(feeds);
    if (!fc) this.feedCaches.set(feeds, (fc = new Map()));
    return this.cached(fc, b, feeds, use);
  }

  private cached(cache: Map<Binding, Value | EvalError>, b: Binding, feeds: Feeds | undefined, use?: Node): Value {
    let r = cache.get(b);
    if (r === undefined) {
      if (this.inProgress.has(b)) throw new EvalError(`'${b.name}' refers to itself`, false, use);
      if (this.evalDepth > DEFER_DEPTH) throw new Deferred(b, feeds);
      this.inProgress.add(b);
      const touched = this.touchedKnown;
      this.touchedKnown = false;
      this.evalDepth++; // x += 1 reaches the previous x without eval(): count the level here too
      try {
        r = this.computeBinding(b, feeds);
      } catch (e) {
        if (isControl(e)) {
          // Not a fact about the code: nothing is cached, a later evaluation computes it.
          this.touchedKnown = touched || this.touchedKnown;
          throw e;
        }
        if (e instanceof LossLensError) e = new EvalError(e.message, true);
        if (!(e instanceof EvalError)) throw e;
        // Name the binding once: an error that comes up a chain (x = x + 1, 40,000 times) keeps
        // the innermost name instead of growing by one prefix per link.
        // Such an error is this binding's to report only when it computes on tensors itself (so
        // `x = x + x` on lists past the limit is reported where it happens and where a tensor uses it).
        const chained = BINDING_ERRORS.has(e);
        const msg = chained ? e.message : `${b.name}: ${e.message}`;
        r = new EvalError(msg, chained ? this.touchedKnown : e.recognised || this.touchedKnown, e.node);
        BINDING_ERRORS.add(r);
      } finally {
        this.evalDepth--;
        this.inProgress.delete(b);
      }
      (r as { touched?: boolean }).touched = this.touchedKnown;
      this.touchedKnown = touched || this.touchedKnown;
      cache.set(b, r);
    } else if ((r as { touched?: boolean }).touched) {
      this.touchedKnown = true;
    }
    if (r instanceof EvalError) throw r;
    return r;
  }

  private computeBinding(b: Binding, feeds: Feeds | undefined): Value {
    const ctx: Ctx = { scope: b.scope, feeds, depth: 0 };
    switch (b.kind) {
      case 'import':
        return { kind: 'ref', qualname: b.qualname! };
      case 'param':
        throw new EvalError(`'${b.name}' is a function parameter (its value comes from the caller)`, false);
      case 'loop':
        throw new EvalError(`'${b.name}' is a loop variable`, false);
      case 'with':
        throw new EvalError(`'${b.name}' is bound by a with statement`, false);
      case 'def':
      case 'class':
        return { kind: 'opaque', what: `the ${b.kind === 'def' ? 'function' : 'class'} ${b.name}` };
      case 'augmented': {
        const prev = b.scope.lookup(b.name, b.stmt.startIndex);
        if (!prev) throw new EvalError(`'${b.name}' is updated before it is assigned`, false);
        const left = this.bindingValue(prev, feeds);
        const right = this.eval(b.value!, ctx);
        return arithmetic(b.op!.replace('=', ''), left, right, this.limits);
      }
      case 'assign': {
        let v = this.eval(b.value!, ctx);
        for (const i of b.path ?? []) v = unpack(v, i, b.name);
        if (v.kind === 'abstract' && v.placeholder && !v.placeholder.name) {
          v = { ...v, placeholder: { ...v.placeholder, name: b.name }, why: `'${b.name}' is a placeholder, fed by a feed_dict when evaluated` };
        }
        return v;
      }
    }
  }

  private evalAttribute(node: Node, ctx: Ctx): Value {
    const attr = node.childForFieldName('attribute')!.text;
    const obj = this.eval(node.childForFieldName('object')!, ctx);
    if (obj.kind === 'ref') return refAttribute(obj.qualname, attr);
    if (obj.kind === 'tensor' || obj.kind === 'abstract') {
      this.touchedKnown = true;
      return this.wrapLoss(() => callMethod(obj, attr, [], new Map(), this.limits, true), node);
    }
    throw new EvalError(`attribute '${attr}' of ${describe(obj)} is not known`, false, node);
  }

  private evalCall(node: Node, ctx: Ctx): Value {
    const fn = node.childForFieldName('function')!;
    const argList = node.childForFieldName('arguments');
    const argNodes = argList ? argList.namedChildren.filter(isNode).filter((n) => n.type !== 'comment') : [];
    // tensor.eval(feed_dict) and session.run(fetches, feed_dict): evaluate under the feeds.
    if (fn.type === 'attribute') {
      const attr = fn.childForFieldName('attribute')!.text;
      if (attr === 'eval' || attr === 'run') {
        const special = this.evalWithFeeds(attr, fn.childForFieldName('object')!, argNodes, ctx);
        if (special) return special;
      }
    }
    // A method of a tensor (x.sum(1), p.log(), x.softmax(dim=1)): evaluate the receiver, not the attribute.
    let receiver: Value | undefined;
    if (fn.type === 'attribute') {
      try {
        receiver = this.eval(fn.childForFieldName('object')!, ctx);
      } catch (e) {
        if (isControl(e)) throw e;
        receiver = undefined; // evaluating the callee below reports the reason
      }
    }
    const callee = receiver && (receiver.kind === 'tensor' || receiver.kind === 'abstract') ? receiver : this.eval(fn, ctx);
    if (argNodes.some((n) => n.type === 'list_splat' || n.type === 'dictionary_splat')) {
      throw new EvalError('*args / **kwargs in a call are not evaluated', false, node);
    }
    const positional: Value[] = [];
    const keywords = new Map<string, Value>();
    const texts = new Map<string, string>();
    const evalArgs = () => {
      argNodes.forEach((a, i) => {
        if (a.type === 'keyword_argument') {
          const k = a.childForFieldName('name')!.text;
          keywords.set(k, this.eval(a.childForFieldName('value')!, ctx));
          texts.set(k, a.childForFieldName('value')!.text);
        } else {
          positional.push(this.eval(a, ctx));
          texts.set(`#${i}`, a.text);
        }
      });
    };
    if (callee.kind === 'ref') {
      const spec = lookupFunction(callee.qualname);
      const cls = spec ? undefined : lookupClass(callee.qualname);
      if (!spec && !cls) {
        if (callee.qualname === 'builtins.float' || callee.qualname === 'builtins.int') {
          evalArgs();
          return this.wrapLoss(() => pyNumber(callee.qualname, positional), node);
        }
        throw new EvalError(`${callee.qualname}() is not a function Loss Lens evaluates`, false, node);
      }
      this.touchedKnown = true;
      evalArgs();
      if (spec) return this.wrapLoss(() => this.invoke(spec, positional, keywords, texts), node);
      const s = cls!;
      return this.wrapLoss(() => {
        const bound = bindArgs(s, s.names[0], positional, keywords);
        return { kind: 'callable', qualname: s.names[0], init: Object.fromEntries(bound.values) } as Value;
      }, node);
    }
    if (callee.kind === 'callable') {
      this.touchedKnown = true;
      evalArgs();
      const cls = lookupClass(callee.qualname)!;
      return this.wrapLoss(() => this.invokeObject(cls, callee.init, positional, keywords, texts), node);
    }
    if (receiver && (receiver.kind === 'tensor' || receiver.kind === 'abstract')) {
      const obj = receiver;
      this.touchedKnown = true;
      evalArgs();
      const attr = fn.childForFieldName('attribute')!.text;
      return this.wrapLoss(() => callMethod(obj, attr, positional, keywords, this.limits, false), node);
    }
    throw new EvalError(`${describe(callee)} is not callable here`, false, node);
  }

  /** `x.eval(feed_dict)`, `x.eval(feed_dict=fd)`, `sess.run(fetches, feed_dict=fd)`, `sess.run(x)`. */
  private evalWithFeeds(attr: string, objNode: Node, args: Node[], ctx: Ctx): Value | undefined {
    const feedNode = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')!.text === 'feed_dict')?.childForFieldName('value')
      ?? args.filter((a) => a.type !== 'keyword_argument')[attr === 'eval' ? 0 : 1];
    const feeds = feedNode ? this.readFeeds(feedNode, ctx) : ctx.feeds;
    if (attr === 'eval') {
      // Only tensors have .eval; anything else is not ours.
      const target = this.eval(objNode, { ...ctx, feeds });
      if (target.kind !== 'tensor' && target.kind !== 'abstract') return undefined;
      this.touchedKnown = true;
      return target;
    }
    const recv = (() => {
      try {
        return this.eval(objNode, ctx);
      } catch (e) {
        if (isControl(e)) throw e;
        return undefined; // an undefined `sess`: still a session run by its shape
      }
    })();
    if (recv && recv.kind !== 'opaque') return undefined;
    const fetch = args.find((a) => a.type !== 'keyword_argument')
      ?? args.find((a) => a.childForFieldName('name')?.text === 'fetches')?.childForFieldName('value');
    if (!fetch) return undefined;
    const v = this.eval(fetch, { ...ctx, feeds });
    if (v.kind === 'tensor' || v.kind === 'abstract' || v.kind === 'list') {
      this.touchedKnown = true;
      return v;
    }
    return undefined;
  }

  /** Reads a feed_dict literal (or a name bound to one) into placeholder id -> converted tensor. */
  private readFeeds(node: Node, ctx: Ctx): Feeds {
    const d = this.eval(node, { ...ctx, feeds: undefined });
    if (d.kind !== 'dict') throw new EvalError(`feed_dict is ${describe(d)}, not a dict`, true, node);
    const feeds: Feeds = new Map();
    for (const { key, value } of d.entries) {
      if (key.kind !== 'abstract' || !key.placeholder) {
        throw new EvalError(`a feed_dict key is ${describe(key)}, not a placeholder`, true, node);
      }
      const t = toTensor(value, 'tensorflow', key.dtype, this.limits, `the feed for '${key.placeholder.name}'`);
      checkFeedShape(key, t);
      feeds.set(key.placeholder.id, { kind: 'tensor', tensor: t, framework: 'tensorflow' });
    }
    return feeds;
  }

  private context(qualname: string, framework: CallSpec['framework']): CallContext {
    return { qualname: displayName(qualname), framework, limits: this.limits, notes: this.notes };
  }

  private invoke(spec: CallSpec, positional: Value[], keywords: Map<string, Value>, texts: Map<string, string>): Value {
    const cx = this.context(spec.names[0], spec.framework);
    const bound = bindArgs(spec, cx.qualname, positional, keywords);
    const args = new Args(bound.values, cx, bound.positional, renameTexts(texts, spec.params));
    return withStandIns(args, (a) => spec.handler(a));
  }

  private invokeObject(cls: ClassSpec, init: Record<string, Value>, positional: Value[], keywords: Map<string, Value>, texts: Map<string, string>): Value {
    const cx = this.context(cls.names[0], cls.framework);
    const initArgs = new Args(new Map(Object.entries(init)), cx, new Set(), new Map());
    const bound = bindArgs(cls.call, `${cx.qualname}(...)`, positional, keywords);
    const args = new Args(bound.values, cx, bound.positional, renameTexts(texts, cls.call.params));
    return withStandIns(args, (a) => cls.handler(initArgs, a));
  }

  /** Turns numerics errors (shapes, dtypes, budgets) into recognised EvalErrors at `node`. */
  private wrapLoss<T>(f: () => T, node: Node): T {
    try {
      return f();
    } catch (e) {
      if (isControl(e)) throw e;
      if (e instanceof EvalError) {
        if (e.node) throw e;
        if (e instanceof UnknownValueError) throw new UnknownValueError(e.message, node, e.abstract);
        const located = new EvalError(e.message, e.recognised, node);
        if (BINDING_ERRORS.has(e)) BINDING_ERRORS.add(located);
        throw located;
      }
      if (e instanceof LossLensError) throw new EvalError(e.message, true, node);
      throw e;
    }
  }
}

function isNode(n: Node | null): n is Node {
  return n !== null;
}

/** Positional texts are keyed '#i' while evaluating; rename them to parameter names. */
function renameTexts(texts: Map<string, string>, params: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of texts) out.set(k.startsWith('#') ? params[Number(k.slice(1))] ?? k : k, v);
  return out;
}

export function displayName(q: string): string {
  return canonicalName(q)
    .replace(/^tensorflow\./, 'tf.')
    .replace(/^torch\.nn\.functional\./, 'F.')
    .replace(/^torch\.nn\./, 'nn.')
    .replace(/^numpy\./, 'np.')
    .replace(/^jax\.numpy\./, 'jnp.');
}

/** math.inf, np.nan, torch.inf, jnp.pi...: named constants of the numeric libraries. */
const CONSTANTS: Record<string, number> = {
  inf: Infinity, Inf: Infinity, Infinity: Infinity, infty: Infinity, PINF: Infinity, NINF: -Infinity,
  nan: NaN, NaN: NaN, NAN: NaN, pi: Math.PI, e: Math.E,
};
const CONSTANT_MODULES = new Set(['math', 'numpy', 'torch', 'jax.numpy']);

function refAttribute(qualname: string, attr: string): Value {
  const q = `${qualname}.${attr}`;
  const d = dtypeRef(q);
  if (d) return d;
  if (CONSTANT_MODULES.has(qualname) && attr in CONSTANTS) return { kind: 'scalar', value: CONSTANTS[attr], int: false };
  return { kind: 'ref', qualname: q };
}

/** tf.float32, torch.float64, np.float32, jnp.int32, torch.float (= float32), np.float64... */
function dtypeRef(q: string): Value | undefined {
  const m = /^(tensorflow|torch|numpy|jax\.numpy)\.(float32|float64|float|double|half|int32|int64|long|int|bool|bool_)$/.exec(q);
  if (!m) return undefined;
  const name = m[2];
  const map: Record<string, Value> = {
    float32: { kind: 'dtype', dtype: 'float32' },
    float64: { kind: 'dtype', dtype: 'float64' },
    double: { kind: 'dtype', dtype: 'float64' },
    int32: { kind: 'dtype', dtype: 'int32' },
    int64: { kind: 'dtype', dtype: 'int64' },
    long: { kind: 'dtype', dtype: 'int64' },
    bool: { kind: 'dtype', dtype: 'bool' },
    bool_: { kind: 'dtype', dtype: 'bool' },
  };
  if (name === 'float') return { kind: 'dtype', dtype: m[1] === 'torch' ? 'float32' : 'float64' };
  if (name === 'int') return { kind: 'dtype', dtype: m[1] === 'torch' ? 'int32' : 'int64' };
  return map[name];
}

/** float('nan'), float('inf'), float('-inf'), float(3), int(2.5). */
function pyNumber(q: string, args: Value[]): Value {
  const a = args[0];
  if (!a) return { kind: 'scalar', value: 0, int: q.endsWith('int') };
  let v: number;
  if (a.kind === 'string') {
    const s = a.value.trim().toLowerCase();
    v = /^[+-]?nan$/.test(s) ? NaN : /^[+-]?inf(inity)?$/.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
    if (Number.isNaN(v) && !s.includes('nan')) throw new EvalError(`could not convert string to float: '${a.value}'`, true);
  } else if (a.kind === 'scalar') v = a.value;
  else throw new EvalError(`${q.slice(9)}() of ${describe(a)} is not evaluated`, false);
  return q.endsWith('int') ? { kind: 'scalar', value: Math.trunc(v), int: true } : { kind: 'scalar', value: v, int: false };
}

function unpack(v: Value, i: number, name: string): Value {
  if (v.kind === 'list') {
    if (i >= v.items.length) throw new EvalError(`not enough values to unpack into '${name}'`, true);
    return v.items[i];
  }
  if (v.kind === 'tensor' && v.tensor.rank > 0) {
    const t = v.tensor;
    if (i >= t.shape[0]) throw new EvalError(`not enough rows to unpack into '${name}'`, true);
    const inner = t.size / t.shape[0];
    return { ...v, tensor: new Tensor(t.dtype, t.shape.slice(1), t.data.slice(i * inner, (i + 1) * inner)) };
  }
  throw new EvalError(`cannot unpack ${describe(v)} into '${name}'`, false);
}

function checkFeedShape(key: AbstractTensorValue, t: Tensor): void {
  const want = key.shape;
  if (!want) return;
  const ok = want.length === t.rank && want.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    throw new ShapeError(
      `the feed for placeholder '${key.placeholder!.name}' has shape [${t.shape.join(', ')}], but the placeholder's shape is [${want.map((d) => d ?? 'None').join(', ')}]`,
    );
  }
}
