import { BudgetError } from '../core/errors';
import { checkTime } from '../core/limits';
import { canonicalName, lookupClass, lookupFunction, lookupKinds } from '../python/calls/registry';
import { CONVENTIONAL } from '../python/evaluator';
import type { Node } from '../python/parser';
import { Binding } from '../python/scope';
import { unparen } from '../python/syntax';
import { callableOfLibrary, producedByLibrary } from './library';
import type { Project, ProjectFile } from './project';
import { argsOf } from '../python/syntax';
import { callsNamed, starImports, functionReturns, methodOf, paramList, selfAttributes, sequentialAdds } from './summaries';
import { AbsVal, CallArgs, Step, UNKNOWN, join, unknown, via } from './value';

/** Call-site specialisation: a function body evaluated with its caller's argument values. */
export interface Env {
  id: number;
  fn: Node;
  params: Map<string, AbsVal>;
  depth: number;
}

/** How deep calls are followed with the caller's arguments (deeper calls see unknown parameters). */
const MAX_CALL_DEPTH = 4;
/** Work cap per top-level query (nodes evaluated), besides the time budget. */
const MAX_STEPS_PER_QUERY = 20_000;
/** A parameter takes its callers' values only when a function has at most this many calls in its file. */
const MAX_CALLERS = 8;
/** Nested evaluations at most (long assignment chains, deep call chains): beyond, unknown. */
const MAX_NESTING = 400;

/**
 * The one abstract interpreter every rule reads: the value (kind, axis, units, provenance, what it
 * refers to) of any expression of any project file, computed lazily and memoised per node and
 * call-site specialisation. Library knowledge comes from the registry (src/python/calls): roles and
 * kind transfers as data. Recursion and import cycles terminate: a node re-entered while it is
 * being computed is unknown (flagged incomplete), and incomplete results are not cached.
 */
export class Engine {
  /** path -> (node id, specialisation) -> value. */
  private cache = new Map<string, Map<string, AbsVal>>();
  private readonly inProgress = new Set<string>();
  private envCount = 0;
  private steps = 0;
  private queryDepth = 0;

  constructor(readonly project: Project) {}

  /** Drops every derived value (a file changed). */
  clear(): void {
    this.cache = new Map();
  }

  /** Drops the values computed for one file's nodes (the file's tree is going away). */
  clearFile(path: string): void {
    this.cache.delete(path);
  }

  /** The value of an expression of a project file; unknown when the analysis runs out of budget. */
  valueAt(path: string, node: Node): AbsVal {
    const f = this.project.file(path);
    if (!f) return UNKNOWN;
    return this.query(() => this.valueOf(f, node));
  }

  /** What a model (layer, module, model object, user class instance) outputs when called on an unknown input. */
  outputOf(path: string, node: Node): AbsVal {
    const f = this.project.file(path);
    if (!f) return UNKNOWN;
    return this.query(() => this.callValue(f, node, this.valueOf(f, node), { positional: [UNKNOWN], keywords: new Map() }, undefined));
  }

  private query(fn: () => AbsVal): AbsVal {
    if (this.queryDepth === 0) this.steps = 0;
    this.queryDepth++;
    try {
      return fn();
    } catch (e) {
      if (e instanceof BudgetError || e instanceof QueryLimit) return unknown(true);
      if (e instanceof RangeError && /call stack/i.test(e.message)) return unknown(true);
      throw e;
    } finally {
      this.queryDepth--;
    }
  }

  valueOf(f: ProjectFile, node: Node, env?: Env): AbsVal {
    let fileCache = this.cache.get(f.path);
    if (!fileCache) this.cache.set(f.path, (fileCache = new Map()));
    const key = `${node.id}\0${env?.id ?? 0}`;
    const hit = fileCache.get(key);
    if (hit) return hit;
    const busy = `${f.path}\0${key}`;
    if (this.inProgress.has(busy) || this.inProgress.size >= MAX_NESTING) return unknown(true);
    if (++this.steps > MAX_STEPS_PER_QUERY) throw new QueryLimit();
    if ((this.steps & 127) === 0) checkTime();
    this.inProgress.add(busy);
    let v: AbsVal;
    try {
      v = this.compute(f, node, env);
    } finally {
      this.inProgress.delete(busy);
    }
    if (!v.incomplete) fileCache.set(key, v);
    return v;
  }

  private compute(f: ProjectFile, node: Node, env?: Env): AbsVal {
    switch (node.type) {
      case 'parenthesized_expression': {
        const inner = unparen(node);
        return inner === node ? UNKNOWN : this.valueOf(f, inner, env);
      }
      case 'identifier': return this.name(f, node, env);
      case 'attribute': return this.attribute(f, node, env);
      case 'call': return this.call(f, node, env);
      case 'subscript': return this.subscript(f, node, env);
      case 'string': return stringValue(node);
      case 'true': return { prov: [], ref: { type: 'literal', value: true } };
      case 'false': return { prov: [], ref: { type: 'literal', value: false } };
      case 'none': return { prov: [], ref: { type: 'literal', value: null } };
      case 'integer': case 'float': {
        const n = Number(node.text.replace(/_/g, ''));
        return Number.isFinite(n) ? { prov: [], ref: { type: 'literal', value: n } } : UNKNOWN;
      }
      case 'unary_operator': {
        const arg = node.childForFieldName('argument');
        const v = arg && node.childForFieldName('operator')?.text === '-' ? this.valueOf(f, arg, env) : undefined;
        return v?.ref?.type === 'literal' && typeof v.ref.value === 'number' ? { prov: [], ref: { type: 'literal', value: -v.ref.value } } : UNKNOWN;
      }
      case 'tuple': case 'expression_list': case 'list': {
        const items = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        if (items.length > 64 || items.some((c) => c.type === 'list_splat')) return UNKNOWN;
        return { prov: [], parts: items.map((c) => this.valueOf(f, c, env)) };
      }
      case 'conditional_expression': {
        const [a, , b] = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        return a && b ? join([this.valueOf(f, a, env), this.valueOf(f, b, env)]) : UNKNOWN;
      }
      case 'binary_operator': return this.binary(f, node, env);
      default: return UNKNOWN;
    }
  }

  /** `matmul(x, W) + b` stays raw scores; other arithmetic makes something the kinds do not describe. */
  private binary(f: ProjectFile, node: Node, env?: Env): AbsVal {
    const op = node.childForFieldName('operator')?.text;
    const l = node.childForFieldName('left');
    const r = node.childForFieldName('right');
    if (!l || !r || (op !== '+' && op !== '@')) return UNKNOWN;
    if (op === '@') return { kind: 'logits', prov: [step(f, node, 'matrix product')] };
    const a = this.valueOf(f, l, env);
    const b = this.valueOf(f, r, env);
    if (a.kind === 'logits' && !b.kind && !b.parts) return a;
    if (b.kind === 'logits' && !a.kind && !a.parts) return b;
    return UNKNOWN;
  }

  // ---- names ----

  private name(f: ProjectFile, id: Node, env?: Env): AbsVal {
    const b = f.analysis.scopes.scopeAt(id.startIndex).lookup(id.text, id.startIndex);
    if (!b) {
      const q = CONVENTIONAL[id.text];
      if (q) return { prov: [], ref: { type: 'lib', qualname: q } };
      return this.starImported(f, id.text);
    }
    return this.reaching(f, b, id.text, id.startIndex, env, 0);
  }

  /**
   * The value of a binding at a use, flow-aware for `if`: an assignment in a branch that the use
   * is not inside holds only when the branch runs. When the condition is known (`activation is
   * None` with the caller's argument) the branch is taken or skipped; otherwise the value is the
   * join with the binding before the `if` (or the other branch's), so a softmax applied only
   * `if not is_training:` does not count as the value that reaches a loss.
   */
  private reaching(f: ProjectFile, b: Binding, name: string, use: number, env: Env | undefined, depth: number): AbsVal {
    const branch = b.kind === 'assign' && depth < 8 ? enclosingBranch(b.stmt, b.scope.node, use) : undefined;
    if (!branch) return this.binding(f, b, env);
    const own = env && b.scope.node.id === env.fn.id ? env : undefined;
    const taken = this.branchTaken(f, branch, own);
    const before = () => {
      const prev = b.scope.lookup(name, b.stmt.startIndex);
      if (!prev || prev === b) return UNKNOWN;
      // if/else both assign: the other branch's value, not what was there before the if.
      const sameIf = branch.ifNode && prev.stmt.startIndex >= branch.ifNode.startIndex && prev.stmt.endIndex <= branch.ifNode.endIndex;
      return sameIf && !branch.whenTrue ? this.binding(f, prev, env) : this.reaching(f, prev, name, use, env, depth + 1);
    };
    if (taken === true) return this.binding(f, b, env);
    if (taken === false) return before();
    const [a, c] = [this.binding(f, b, env), before()];
    // Two models (`netD = NetA()` or `NetB()`): calling the name gives the join of both outputs.
    const callable = (v: AbsVal) => v.ref?.type === 'instance' || v.ref?.type === 'callable' || v.ref?.type === 'function';
    if (callable(a) && callable(c) && a.ref?.type !== 'function' && c.ref?.type !== 'function') {
      const root = f.analysis.tree.rootNode;
      return { prov: [], ref: { type: 'callable', callable: { what: 'model', apply: (args) => join([this.callValue(f, root, a, args), this.callValue(f, root, c, args)]) } } };
    }
    return join([a, c]);
  }

  /** Whether an if-branch runs: true / false when its condition is known, undefined otherwise. */
  private branchTaken(f: ProjectFile, br: { cond: Node; whenTrue: boolean }, env?: Env): boolean | undefined {
    const c = truth(this, f, br.cond, env);
    return c === undefined ? undefined : c === br.whenTrue;
  }

  /** The value a binding gives its name. */
  binding(f: ProjectFile, b: Binding, env?: Env): AbsVal {
    const own = env && b.scope.node.id === env.fn.id ? env : undefined;
    switch (b.kind) {
      case 'assign': {
        if (!b.value) return UNKNOWN;
        let v = this.valueOf(f, b.value, own);
        for (const i of b.path ?? []) v = v.parts?.[i] ?? UNKNOWN;
        if (v.ref?.type === 'callable' && v.ref.callable.addable) v = this.withAdds(f, b, v, own);
        return v;
      }
      case 'import': return this.importValue(f, b.qualname ?? b.name);
      case 'param': return this.param(f, b, own);
      case 'loop': return this.loopElement(f, b, own);
      case 'def': return { prov: [], ref: { type: 'function', file: f.path, node: b.stmt } };
      case 'class': return { prov: [], ref: { type: 'class', file: f.path, node: b.stmt } };
      default: return UNKNOWN;
    }
  }

  /** `for row in probs:` iterates over the first axis: each row is what the rows of the tensor are. */
  private loopElement(f: ProjectFile, b: Binding, env?: Env): AbsVal {
    const left = b.stmt.childForFieldName('left');
    const right = b.stmt.childForFieldName('right');
    if (b.stmt.type !== 'for_statement' || left?.type !== 'identifier' || !right) return UNKNOWN;
    const v = this.valueOf(f, right, env);
    return v.kind && v.kind !== 'classIndex' ? v : UNKNOWN;
  }

  /** keras Sequential built with model.add(...): the layers added to that name before its use. */
  private withAdds(f: ProjectFile, b: Binding, v: AbsVal, env?: Env): AbsVal {
    const adds = sequentialAdds(f, b);
    if (adds.length === 0) return v;
    const layers = adds.map((n) => this.valueOf(f, n, env));
    const seq = v.ref!.type === 'callable' ? v.ref!.callable : undefined;
    const base = seq?.layers ?? [];
    return { prov: [], ref: { type: 'callable', callable: this.sequential(f, [...base, ...layers], seq?.what ?? 'Sequential') } };
  }

  private param(f: ProjectFile, b: Binding, env?: Env): AbsVal {
    const fn = b.stmt;
    if (env?.params.has(b.name)) return env.params.get(b.name)!;
    const params = paramList(fn);
    const idx = params.findIndex((p) => p.name === b.name);
    // The first parameter of a method is the instance of its class.
    const cls = enclosingClass(fn);
    if (idx === 0 && cls && !isStaticOrClassMethod(fn)) return { prov: [], ref: { type: 'instance', file: f.path, node: cls } };
    const p = params[idx];
    if (env && p?.default) return this.valueOf(f, p.default);
    if (!env && p && !p.splat) return this.fromCallers(f, fn, idx, p.name, cls && !isStaticOrClassMethod(fn) ? 1 : 0);
    return UNKNOWN;
  }

  /**
   * A parameter seen from inside its function without a call context: the join of what every
   * call of the function in this file passes (`train(model, ...)` with `model = Net()`), the
   * default where a caller omits it. Unknown when there are no callers, too many, or they disagree.
   */
  private fromCallers(f: ProjectFile, fn: Node, idx: number, name: string, offset: number): AbsVal {
    const fname = fn.childForFieldName('name')?.text;
    if (!fname) return UNKNOWN;
    const dflt = paramList(fn)[idx]?.default;
    let callers: { cf: ProjectFile; call: Node }[] = callsNamed(f, fname).filter((c) => this.calls(f, c, f.path, fn)).map((call) => ({ cf: f, call }));
    if (callers.length === 0) {
      // Callers in other project files (`model.add_loss_op(nn.NLLLoss())` in train.py).
      const others = this.project.filesCalling(fname).filter((p) => p !== f.path);
      if (others.length > 0 && others.length <= MAX_CALLERS) {
        for (const p of others) {
          const cf = this.project.file(p);
          if (cf) callers.push(...callsNamed(cf, fname).filter((c) => this.calls(cf, c, f.path, fn)).map((call) => ({ cf, call })));
        }
      }
    }
    // No caller anywhere (a constructor, a callback): the default is what the code shows.
    if (callers.length === 0) return dflt ? this.valueOf(f, dflt) : UNKNOWN;
    if (callers.length > MAX_CALLERS) return UNKNOWN;
    const vals: AbsVal[] = [];
    for (const { cf, call } of callers) {
      const { positional, keywords } = argsOf(call);
      if (positional.some((a) => a.type === 'list_splat') || [...keywords.keys()].some((k) => k.startsWith('**'))) return UNKNOWN;
      const arg = keywords.get(name) ?? positional[idx - offset];
      if (arg) vals.push(this.valueOf(cf, arg));
      else if (dflt) vals.push(this.valueOf(f, dflt));
      else return UNKNOWN;
    }
    return join(vals);
  }

  /** Whether a call node (in `cf`) calls the function `fn` of file `fnFile` (a name bound to it, or a method of an instance of its class). */
  private calls(cf: ProjectFile, call: Node, fnFile: string, fn: Node): boolean {
    const callee = call.childForFieldName('function');
    if (!callee || (callee.type !== 'identifier' && callee.type !== 'attribute')) return false;
    const v = this.valueOf(cf, callee);
    return v.ref?.type === 'function' && v.ref.file === fnFile && v.ref.node.id === fn.id;
  }

  /** A name from `from tensorflow.keras.layers import *` (a library name Loss Lens knows) or from a project module's star import. */
  private starImported(f: ProjectFile, name: string): AbsVal {
    for (const mod of starImports(f)) {
      const r = this.project.resolveImport(f.path, `${mod}.${name}`);
      if (r) {
        const v = this.member(r.path, r.rest);
        if (v.kind || v.ref) return v;
        continue;
      }
      const q = canonicalName(`${mod}.${name}`);
      if (lookupKinds(q) || lookupFunction(q) || lookupClass(q)) return { prov: [], ref: { type: 'lib', qualname: q } };
    }
    return UNKNOWN;
  }

  /** An imported name: a project module or one of its members, else a library name. */
  private importValue(f: ProjectFile, qualname: string): AbsVal {
    const r = this.project.resolveImport(f.path, qualname);
    if (r) return this.member(r.path, r.rest);
    if (qualname.startsWith('.')) return UNKNOWN;
    return { prov: [], ref: { type: 'lib', qualname } };
  }

  /** `rest` looked up in a project module (its top-level bindings, then submodules of a package). */
  member(path: string, rest: string[]): AbsVal {
    let v: AbsVal = { prov: [], ref: { type: 'module', path } };
    for (const name of rest) v = this.attributeOf(v, name);
    return v;
  }

  private moduleAttr(path: string, name: string): AbsVal {
    const mf = this.project.file(path);
    if (mf) {
      const b = mf.analysis.scopes.module.lookup(name, mf.text.length + 1);
      if (b) return this.binding(mf, b);
    }
    // A submodule of a package: `import pkg` then `pkg.models`.
    if (path.endsWith('/__init__.py')) {
      const r = this.project.resolveImport(path, `.${name}`);
      if (r) return this.member(r.path, r.rest);
    }
    return UNKNOWN;
  }

  // ---- attributes, subscripts ----

  private attribute(f: ProjectFile, node: Node, env?: Env): AbsVal {
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text;
    if (!obj || !attr) return UNKNOWN;
    return this.attributeOf(this.valueOf(f, obj, env), attr);
  }

  private attributeOf(v: AbsVal, attr: string): AbsVal {
    const r = v.ref;
    if (!r) return UNKNOWN;
    switch (r.type) {
      case 'lib': return { prov: [], ref: { type: 'lib', qualname: `${r.qualname}.${attr}` } };
      case 'module': return this.moduleAttr(r.path, attr);
      case 'instance': case 'class': {
        const cf = this.project.file(r.file);
        return cf ? this.classMember(cf, r.node, attr, r.type === 'instance' ? v : undefined, new Set()) : UNKNOWN;
      }
      default: return UNKNOWN;
    }
  }

  /**
   * A member of a project class: a method (bound to the instance), or the join of every
   * `self.attr = value` in any of its methods; else the same in its project base classes.
   */
  private classMember(f: ProjectFile, cls: Node, attr: string, self: AbsVal | undefined, seen: Set<number>): AbsVal {
    seen.add(cls.id);
    const m = methodOf(cls, attr) ?? (attr === '__call__' ? methodOf(cls, 'forward') ?? methodOf(cls, 'call') : undefined);
    if (m) return { prov: [], ref: { type: 'function', file: f.path, node: m, self } };
    const assigned = selfAttributes(f, cls).get(attr);
    if (assigned?.length) {
      const vals = assigned.map((n) => this.valueOf(f, n));
      const v = join(vals);
      return via(v, step(f, assigned[0], `stored in self.${attr}`));
    }
    for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base || base.type === 'keyword_argument') continue;
      const bv = this.valueOf(f, base);
      if (bv.ref?.type !== 'class' || seen.has(bv.ref.node.id)) continue;
      const bf = this.project.file(bv.ref.file);
      if (bf) {
        const got = this.classMember(bf, bv.ref.node, attr, self, seen);
        if (got.kind || got.ref || got.parts) return got;
      }
    }
    return UNKNOWN;
  }

  private subscript(f: ProjectFile, node: Node, env?: Env): AbsVal {
    const obj = node.childForFieldName('value');
    const idx = node.childForFieldName('subscript');
    if (!obj || !idx) return UNKNOWN;
    const v = this.valueOf(f, obj, env);
    // A slice or row of a tensor keeps its kind (probs[:, 0, :] are still probabilities), marked as sliced.
    if (!v.parts) return v.kind ? { ...v, sliced: true } : UNKNOWN;
    const i = this.valueOf(f, idx, env);
    if (i.ref?.type !== 'literal' || typeof i.ref.value !== 'number' || !Number.isInteger(i.ref.value)) return UNKNOWN;
    const k = i.ref.value < 0 ? v.parts.length + i.ref.value : i.ref.value;
    return v.parts[k] ?? UNKNOWN;
  }

  // ---- calls ----

  private call(f: ProjectFile, node: Node, env?: Env): AbsVal {
    const fn = node.childForFieldName('function');
    if (!fn) return UNKNOWN;
    if (fn.type === 'attribute') {
      // Tensor methods (x.softmax(1), p.log(), z.to(device)) when the receiver is not a module, class or library name.
      const recv = fn.childForFieldName('object');
      const name = fn.childForFieldName('attribute')?.text ?? '';
      const rv = recv ? this.valueOf(f, recv, env) : UNKNOWN;
      if (recv && !rv.ref) return this.tensorMethod(f, node, name, rv, env);
      if (rv.ref?.type === 'instance' && SELF_RETURNING.has(name)) return rv;
      return this.callValue(f, node, this.attributeOf(rv, name), this.args(f, node, env), env);
    }
    return this.callValue(f, node, this.valueOf(f, fn, env), this.args(f, node, env), env);
  }

  private args(f: ProjectFile, node: Node, env?: Env): CallArgs {
    const positional: AbsVal[] = [];
    const keywords = new Map<string, AbsVal>();
    for (const a of node.childForFieldName('arguments')?.namedChildren ?? []) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const k = a.childForFieldName('name')?.text;
        const v = a.childForFieldName('value');
        if (k && v) keywords.set(k, this.valueOf(f, v, env));
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        const inner = a.namedChildren[0];
        const v = inner ? this.valueOf(f, inner, env) : UNKNOWN;
        if (a.type === 'list_splat' && v.parts) positional.push(...v.parts);
        else positional.push(UNKNOWN);
      } else positional.push(this.valueOf(f, a, env));
    }
    return { positional, keywords };
  }

  private tensorMethod(f: ProjectFile, node: Node, name: string, recv: AbsVal, env?: Env): AbsVal {
    const produced = producedByLibrary(f, node, `.${name}`, this.args(f, node, env), recv);
    return produced ?? UNKNOWN;
  }

  /** The result of calling `callee` (a value) with `args` at `node`. */
  callValue(f: ProjectFile, node: Node, callee: AbsVal, args: CallArgs, env?: Env): AbsVal {
    const r = callee.ref;
    if (!r) return UNKNOWN;
    switch (r.type) {
      case 'lib': {
        const q = canonicalName(r.qualname);
        const made = callableOfLibrary(f, node, q, args, (layers, what) => this.sequential(f, layers, what));
        if (made) return made;
        return producedByLibrary(f, node, q, args) ?? UNKNOWN;
      }
      case 'function': {
        const df = this.project.file(r.file);
        return df ? this.invoke(df, r.node, args, r.self, env) : UNKNOWN;
      }
      case 'class': return { prov: [], ref: { type: 'instance', file: r.file, node: r.node } };
      case 'instance': {
        const cf = this.project.file(r.file);
        if (!cf) return UNKNOWN;
        for (const m of ['forward', 'call', '__call__']) {
          const method = methodOf(r.node, m);
          if (method) {
            const v = this.invoke(cf, method, args, callee, env);
            return via(v, step(f, node, `output of ${className(r.node)}`));
          }
        }
        // A Keras subclass without call(), or an nn.Module whose forward is inherited.
        const inherited = this.classMember(cf, r.node, 'forward', callee, new Set());
        if (inherited.ref?.type === 'function') {
          const mf = this.project.file(inherited.ref.file);
          return mf ? this.invoke(mf, inherited.ref.node, args, callee, env) : UNKNOWN;
        }
        return UNKNOWN;
      }
      case 'callable': return r.callable.apply(args);
      default: return UNKNOWN;
    }
  }

  /** Layers applied in order (nn.Sequential, keras Sequential): the last layer that sets a kind decides. */
  private sequential(f: ProjectFile, layers: AbsVal[], what: string): import('./value').Callable {
    return {
      what,
      layers,
      addable: what === 'Sequential',
      apply: (args) => {
        let cur = args.positional[0] ?? UNKNOWN;
        for (const layer of layers) {
          if (!layer.ref) return UNKNOWN;
          cur = this.callValue(f, f.analysis.tree.rootNode, layer, { positional: [cur], keywords: new Map() });
        }
        return cur;
      },
    };
  }

  /** The parameters of `fn` bound to a call's arguments (a bound method's instance first). */
  private envFor(fn: Node, args: CallArgs, self: AbsVal | undefined, depth: number): Env {
    const params = new Map<string, AbsVal>();
    const list = paramList(fn);
    const offset = self && enclosingClass(fn) && !isStaticOrClassMethod(fn) ? 1 : 0;
    if (offset && list[0]) params.set(list[0].name, self!);
    for (let k = offset; k < list.length; k++) {
      const p = list[k];
      if (p.splat) break;
      const given = args.keywords.get(p.name) ?? args.positional[k - offset];
      if (given) params.set(p.name, given);
    }
    return { id: ++this.envCount, fn, params, depth };
  }

  /**
   * The project function a call in `path` runs (a function, or the forward/call/__call__ of a
   * model instance), with the caller's argument values: for queries on the callee's body as that
   * call sees it (a helper passing its parameter to a loss).
   */
  calleeOf(path: string, call: Node, wanted: (file: string, fn: Node) => boolean = () => true): { file: string; fn: Node; env: Env } | undefined {
    const f = this.project.file(path);
    const fnNode = call.childForFieldName('function');
    if (!f || !fnNode) return undefined;
    let out: { file: string; fn: Node; env: Env } | undefined;
    this.query(() => {
      const callee = this.valueOf(f, fnNode);
      const r = callee.ref;
      let target: { file: string; fn: Node; self?: AbsVal } | undefined;
      if (r?.type === 'instance') {
        const method = ['forward', 'call', '__call__'].map((m) => methodOf(r.node, m)).find((m): m is Node => !!m);
        if (method) target = { file: r.file, fn: method, self: callee };
      } else if (r?.type === 'function') target = { file: r.file, fn: r.node, self: r.self };
      if (target && wanted(target.file, target.fn)) out = { file: target.file, fn: target.fn, env: this.envFor(target.fn, this.args(f, call), target.self, 1) };
      return UNKNOWN;
    });
    return out;
  }

  /** The value of a node of `path` inside a call context from calleeOf(). */
  valueIn(path: string, node: Node, env: Env): AbsVal {
    const f = this.project.file(path);
    return f ? this.query(() => this.valueOf(f, node, env)) : UNKNOWN;
  }

  /** A user function called with arguments: the join of its returns, evaluated with the caller's values. */
  private invoke(f: ProjectFile, fn: Node, args: CallArgs, self: AbsVal | undefined, callerEnv?: Env): AbsVal {
    const depth = (callerEnv?.depth ?? 0) + 1;
    const env = depth <= MAX_CALL_DEPTH ? this.envFor(fn, args, self, depth) : undefined;
    const returns = functionReturns(f, fn);
    if (returns.length === 0) return UNKNOWN;
    const name = fn.childForFieldName('name')?.text ?? 'function';
    const vals = returns.map((r) => {
      const v = this.valueOf(f, r, env);
      const at = step(f, r.parent ?? r, `returned by ${name}()`);
      return v.parts ? { ...v, parts: v.parts.map((p) => via(p, at)) } : via(v, at);
    });
    return join(vals);
  }
}

class QueryLimit extends Error {}

/** Methods that return the module itself (model.to(device).eval() is still the model). */
const SELF_RETURNING = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'float', 'double', 'half', 'requires_grad_']);

export function step(f: ProjectFile, n: { startIndex: number; endIndex: number }, what: string): Step {
  return { file: f.path, start: n.startIndex, end: n.endIndex, what };
}

function stringValue(node: Node): AbsVal {
  const m = /^([rRuU]?)(['"])([^'"\\]*)\2$/.exec(node.text);
  return m ? { prov: [], ref: { type: 'string', value: m[3] } } : UNKNOWN;
}

export function enclosingClass(fn: Node): Node | undefined {
  let p = fn.parent;
  if (p?.type === 'decorated_definition') p = p.parent;
  if (p?.type !== 'block') return undefined;
  return p.parent?.type === 'class_definition' ? p.parent : undefined;
}

function isStaticOrClassMethod(fn: Node): boolean {
  const d = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  return !!d && /@(staticmethod|classmethod)\b/.test(d.text.slice(0, fn.startIndex - d.startIndex));
}

function className(cls: Node): string {
  return cls.childForFieldName('name')?.text ?? 'the model';
}

/**
 * The if-branch a statement sits in, relative to a use: the nearest `if` (inside the binding's
 * scope) whose consequence or else-clause contains the statement but not the use. Undefined
 * when the statement is not conditional for that use (elif chains count as unknown branches).
 */
function enclosingBranch(stmt: Node, scope: Node, use: number): { cond: Node; whenTrue: boolean; ifNode?: Node } | undefined {
  let child: Node = stmt;
  for (let p = stmt.parent; p && p.id !== scope.id; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') return undefined;
    if (use >= p.startIndex && use < p.endIndex) continue;
    if (p.type === 'block' && p.parent?.type === 'if_statement' && p.parent.childForFieldName('consequence')?.id === p.id) {
      const ifs = p.parent;
      if (use >= ifs.startIndex && use < ifs.endIndex) return undefined;
      const cond = ifs.childForFieldName('condition');
      return cond ? { cond, whenTrue: true } : undefined;
    }
    if (p.type === 'else_clause' && p.parent?.type === 'if_statement') {
      const ifs = p.parent;
      if (use >= ifs.startIndex && use < ifs.endIndex) return undefined;
      const hasElif = ifs.namedChildren.some((c) => c?.type === 'elif_clause');
      const cond = ifs.childForFieldName('condition');
      return cond && !hasElif ? { cond, whenTrue: false, ifNode: ifs } : { cond: ifs, whenTrue: true };
    }
    if (p.type === 'elif_clause') return { cond: p, whenTrue: true };
  }
  void child;
  return undefined;
}

/** The truth of a simple condition (`x`, `not x`, `x is None`, `x is not None`) from the values the engine knows. */
function truth(e: Engine, f: ProjectFile, cond: Node, env?: Env): boolean | undefined {
  const c = unparen(cond);
  if (c.type === 'not_operator') {
    const arg = c.childForFieldName('argument');
    const t = arg ? truth(e, f, arg, env) : undefined;
    return t === undefined ? undefined : !t;
  }
  if (c.type === 'comparison_operator') {
    const kids = c.namedChildren.filter((k): k is Node => !!k);
    const ops = c.children.filter((k) => k && !k.isNamed).map((k) => k!.text).join(' ');
    if (kids.length !== 2 || kids[1].type !== 'none' || (ops !== 'is' && ops !== 'is not')) return undefined;
    const v = e.valueOf(f, kids[0], env);
    const isNone = v.ref?.type === 'literal' ? v.ref.value === null : v.ref || v.kind ? false : undefined;
    return isNone === undefined ? undefined : ops === 'is' ? isNone : !isNone;
  }
  if (c.type === 'identifier' || c.type === 'attribute') {
    const v = e.valueOf(f, c, env);
    if (v.ref?.type === 'literal') return !!v.ref.value;
    if (v.ref && v.ref.type !== 'string') return true;
    return undefined;
  }
  if (c.type === 'if_statement' || c.type === 'elif_clause') return undefined;
  return undefined;
}
