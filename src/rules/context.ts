import { Project } from '../analysis/project';
import { AbsVal } from '../analysis/value';
import { Tensor } from '../core/tensor';
import { FileAnalysis } from '../python/analyze';
import { Signature } from '../python/calls/args';
import { canonicalName, lookupClass, lookupFunction } from '../python/calls/registry';
import { CONVENTIONAL, displayName } from '../python/evaluator';
import type { Node } from '../python/parser';
import { Binding } from '../python/scope';
import { argsOf, unparen } from '../python/syntax';
import { Framework } from '../python/values';

/**
 * A call in the file whose callee resolves to something Loss Lens knows, with its arguments
 * bound to the framework's parameter names. Resolution is syntactic (imports, conventional
 * aliases, assignments of loss objects); nothing is evaluated to find calls.
 */
export interface CallSite {
  node: Node;
  /** Canonical dotted name ('tensorflow.nn.softmax', 'torch.nn.CrossEntropyLoss'); for methods '.name'. */
  qualname: string;
  /** How users write it ('tf.nn.softmax', 'F.cross_entropy', 'x.softmax'). */
  display: string;
  roles: string[];
  framework?: Framework;
  /** 'function' call, a 'class' construction, an 'object' (loss object) call, or a tensor 'method'. */
  kind: 'function' | 'class' | 'object' | 'method';
  /** Arguments by parameter name (positional ones mapped through the signature). */
  args: Map<string, Node>;
  positional: Node[];
  keywords: Map<string, Node>;
  /** For an object call: the constructor call that made the object. */
  ctor?: CallSite;
  /** For a method call: the receiver. */
  receiver?: Node;
}

export interface RuleOptions {
  defaultFramework?: 'auto' | 'tensorflow' | 'keras' | 'pytorch' | 'jax' | 'numpy';
  /**
   * Whether findings carry their numeric explanation (evaluating the inputs costs time):
   * true (default) for all, false for none (diagnostics, CI), or an offset: only the findings
   * whose range contains it (a hover).
   */
  explain?: boolean | number;
  /**
   * The project the file belongs to (imports between its files resolve through it) and the
   * file's path in it. Without one, the file is analysed alone.
   */
  project?: Project;
  path?: string;
}

/** Callee names worth asking the analysis about when names do not resolve them (loss objects kept in parameters). */
const LOSS_NAME = /loss|crit|cost|bce|nll|entropy|\bce\b/i;

const METHOD_ROLES: Record<string, string[]> = {
  softmax: ['softmax'],
  log_softmax: ['log_softmax'],
  sigmoid: ['sigmoid'],
  log: ['log'],
  sum: ['sum'],
  mean: ['mean'],
};

/** What every rule reads: the analysis of one file and the resolved call sites, computed once. */
/** Call resolution shared by every RuleContext of one analysis (a hover re-run reuses it). */
interface Shared {
  callList?: CallSite[];
  callNodeList?: Node[];
  byNode: Map<number, CallSite | undefined>;
  qualnames: Map<number, string | undefined>;
  /** class node id -> self attribute -> its single assigned value (null: several different ones). */
  selfAttrs: Map<number, Map<string, Node | null>>;
  project?: Project;
}
const sharedByAnalysis = new WeakMap<FileAnalysis, Shared>();

export class RuleContext {
  private readonly shared: Shared;

  constructor(
    readonly analysis: FileAnalysis,
    readonly options: RuleOptions = {},
  ) {
    let s = sharedByAnalysis.get(analysis);
    if (!s) sharedByAnalysis.set(analysis, (s = { byNode: new Map(), qualnames: new Map(), selfAttrs: new Map() }));
    this.shared = s;
  }

  private get callList(): CallSite[] | undefined {
    return this.shared.callList;
  }

  private set callList(v: CallSite[] | undefined) {
    this.shared.callList = v;
  }

  private get byNode(): Map<number, CallSite | undefined> {
    return this.shared.byNode;
  }

  private get qualnames(): Map<number, string | undefined> {
    return this.shared.qualnames;
  }

  get text(): string {
    return this.analysis.text;
  }

  /** The project this file is analysed in (a project of this file alone when none was given). */
  get project(): Project {
    if (this.options.project) return this.options.project;
    this.shared.project ??= Project.single(this.path, this.analysis);
    return this.shared.project;
  }

  /** The file's path in the project. */
  get path(): string {
    return this.options.path ?? '<file>';
  }

  /** What an expression of this file is (kind, axis, provenance) according to the project-wide analysis. */
  value(node: Node): AbsVal {
    return this.project.engine.valueAt(this.path, node);
  }

  /** What a model expression of this file outputs when called (Keras models, nn.Modules, layers). */
  modelOutput(node: Node): AbsVal {
    return this.project.engine.outputOf(this.path, node);
  }

  get root(): Node {
    return this.analysis.tree.rootNode;
  }

  /** Every call in the file that resolves to a known function, class, loss object or tensor method. */
  /** Whether a finding at this range should carry its explanation (see RuleOptions.explain). */
  shouldExplain(s: { start: number; end: number } | { startIndex: number; endIndex: number }): boolean {
    const e = this.options.explain ?? true;
    if (typeof e === 'boolean') return e;
    const [a, b] = 'start' in s ? [s.start, s.end] : [s.startIndex, s.endIndex];
    return a <= e && e <= b;
  }

  /** Every call node of the file, in source order (one query into the tree, shared by all rules). */
  callNodes(): Node[] {
    this.shared.callNodeList ??= this.root.descendantsOfType('call').filter((n): n is Node => n !== null);
    return this.shared.callNodeList;
  }

  calls(): CallSite[] {
    if (!this.callList) {
      this.callList = [];
      for (const n of this.callNodes()) {
        const site = this.site(n);
        if (site) this.callList.push(site);
      }
    }
    return this.callList;
  }

  /** The call site of a call node, if it resolves (resolved on demand and memoised). */
  site(node: Node): CallSite | undefined {
    if (this.byNode.has(node.id)) return this.byNode.get(node.id);
    const site = this.resolveCall(node);
    this.byNode.set(node.id, site);
    return site;
  }

  /** Calls with a role ('softmax', 'expects-logits', 'loss', ...). */
  callsWithRole(role: string): CallSite[] {
    return this.calls().filter((c) => c.roles.includes(role));
  }

  /**
   * The expression a node stands for: parentheses are unwrapped and a name is followed to the
   * right-hand side of its assignment in scope (up to `depth` hops), so `pred` in
   * `loss(logits=pred)` leads to `tf.nn.softmax(...)` in `pred = tf.nn.softmax(...)`.
   * Returns the chain of nodes visited, the last one being the definition.
   */
  trace(node: Node, depth = 8): Node[] {
    const chain: Node[] = [node];
    let cur = node;
    for (let i = 0; i < depth; i++) {
      if (cur.type === 'parenthesized_expression') {
        const inner = unparen(cur);
        if (inner === cur) break;
        cur = inner;
        chain.push(cur);
        continue;
      }
      if (cur.type === 'attribute') {
        // self.name: the value assigned to self.name in the class (usually in __init__).
        const v = this.selfAttributeValue(cur);
        if (!v) break;
        cur = v;
        chain.push(cur);
        continue;
      }
      if (cur.type !== 'identifier') break;
      const b = this.binding(cur);
      if (!b || b.kind !== 'assign' || !b.value || b.path) break;
      cur = b.value;
      chain.push(cur);
    }
    return chain;
  }

  /**
   * For `self.x` inside a method, the right-hand side of the single `self.x = value` assignment
   * in the enclosing class (loss and activation modules are kept this way: `self.criterion =
   * nn.CrossEntropyLoss()` in __init__). Undefined when there is none, or several different ones.
   */
  selfAttributeValue(attr: Node): Node | undefined {
    const obj = attr.childForFieldName('object');
    const name = attr.childForFieldName('attribute')?.text;
    if (obj?.type !== 'identifier' || obj.text !== 'self' || !name) return undefined;
    let cls: Node | null = attr.parent;
    while (cls && cls.type !== 'class_definition') cls = cls.parent;
    if (!cls) return undefined;
    return this.selfAssignments(cls).get(name) ?? undefined;
  }

  /** attribute -> its single assigned value (null when assigned different values), per class, collected once. */
  private selfAssignments(cls: Node): Map<string, Node | null> {
    let m = this.shared.selfAttrs.get(cls.id);
    if (m) return m;
    m = new Map();
    for (const a of cls.descendantsOfType('assignment')) {
      const left = a?.childForFieldName('left');
      const right = a?.childForFieldName('right');
      if (!left || !right || left.type !== 'attribute') continue;
      const o = left.childForFieldName('object');
      const attr = left.childForFieldName('attribute')?.text;
      if (o?.type !== 'identifier' || o.text !== 'self' || !attr) continue;
      const prev = m.get(attr);
      if (prev === undefined) m.set(attr, right);
      else if (prev !== null && prev.text !== right.text) m.set(attr, null);
    }
    this.shared.selfAttrs.set(cls.id, m);
    return m;
  }

  /** The definition at the end of trace(). */
  definition(node: Node): Node {
    const c = this.trace(node);
    return c[c.length - 1];
  }

  /** The known call that produces this expression (after following names), if any. */
  producer(node: Node): CallSite | undefined {
    const d = this.definition(node);
    return d.type === 'call' ? this.site(d) : undefined;
  }

  /** The binding a name refers to at its position. */
  binding(id: Node): Binding | undefined {
    return this.analysis.scopes.scopeAt(id.startIndex).lookup(id.text, id.startIndex);
  }

  /** The value of an expression when the evaluator can compute it, else undefined (never throws). */
  evaluate(node: Node): Tensor | undefined {
    try {
      const v = this.analysis.evaluator.evaluate(node);
      return v.kind === 'tensor' ? v.tensor : undefined;
    } catch {
      return undefined;
    }
  }

  /** The framework the file uses, from its imports (or the setting when imports do not tell). */
  fileFramework(): Framework | undefined {
    const imports = [...this.analysis.scopes.module.bindings.values()].flat().filter((b) => b.kind === 'import').map((b) => b.qualname ?? '');
    if (imports.some((q) => q.startsWith('torch'))) return 'torch';
    if (imports.some((q) => q.startsWith('tensorflow') || q.startsWith('keras'))) return 'tensorflow';
    if (imports.some((q) => q.startsWith('jax') || q.startsWith('optax'))) return 'jax';
    const d = this.options.defaultFramework;
    if (d === 'pytorch') return 'torch';
    if (d === 'tensorflow' || d === 'keras') return 'tensorflow';
    if (d === 'jax') return 'jax';
    if (d === 'numpy') return 'numpy';
    if (/\btf\./.test(this.text)) return 'tensorflow';
    if (/\btorch\.|\bF\./.test(this.text)) return 'torch';
    return undefined;
  }

  /** The canonical name an expression resolves to syntactically (a module, function or class). */
  qualnameOf(node: Node): string | undefined {
    const id = node.id;
    if (this.qualnames.has(id)) return this.qualnames.get(id);
    const q = this.qualnameUncached(node);
    this.qualnames.set(id, q);
    return q;
  }

  private qualnameUncached(node: Node): string | undefined {
    if (node.type === 'identifier') {
      const b = this.binding(node);
      if (b?.kind === 'import') return b.qualname;
      if (!b) return CONVENTIONAL[node.text];
      return undefined;
    }
    if (node.type === 'attribute') {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!obj || !attr) return undefined;
      const base = this.qualnameOf(obj);
      return base ? `${base}.${attr.text}` : undefined;
    }
    return undefined;
  }

  private resolveCall(n: Node): CallSite | undefined {
    const fn = n.childForFieldName('function');
    if (!fn) return undefined;
    const q = this.qualnameOf(fn);
    if (q) {
      const canon = canonicalName(q);
      const spec = lookupFunction(canon);
      if (spec) return this.bind(n, canon, 'function', spec, spec.roles ?? [], spec.framework);
      const cls = lookupClass(canon);
      if (cls) return this.bind(n, canon, 'class', cls, cls.roles ?? [], cls.framework);
      return undefined;
    }
    // A loss object: crit(x, y) where crit = nn.CrossEntropyLoss(...), or nn.Softmax(dim=1)(x).
    const ctorNode = fn.type === 'identifier' || fn.type === 'attribute' ? this.definition(fn) : fn;
    if (ctorNode.type === 'call' && ctorNode.id !== n.id) {
      const ctor = this.resolveCall(ctorNode);
      if (ctor?.kind === 'class') {
        const cls = lookupClass(ctor.qualname)!;
        const site = this.bind(n, ctor.qualname, 'object', cls.call, ctor.roles, ctor.framework);
        site.ctor = ctor;
        return site;
      }
    }
    // A loss object the analysis finds where names do not lead: a parameter's default or its
    // callers' argument (`def __init__(self, loss=nn.CrossEntropyLoss())`), an attribute set from one.
    if ((fn.type === 'identifier' || fn.type === 'attribute') && LOSS_NAME.test(fn.text)) {
      const r = this.value(fn).ref;
      const cls = r?.type === 'lib' && r.qualname.endsWith('()') ? lookupClass(r.qualname.slice(0, -2)) : undefined;
      if (r?.type === 'lib' && cls) {
        const q = canonicalName(r.qualname.slice(0, -2));
        const site = this.bind(n, q, 'object', cls.call, cls.roles ?? [], cls.framework);
        const ctor = r.ctor && r.ctor.file === this.path ? this.resolveCall(r.ctor.node) : undefined;
        if (ctor?.kind === 'class') site.ctor = ctor;
        return site;
      }
    }
    // A tensor method: x.softmax(dim=1), p.log(), x.sum(1).
    if (fn.type === 'attribute') {
      const name = fn.childForFieldName('attribute')!.text;
      const roles = METHOD_ROLES[name];
      const receiver = fn.childForFieldName('object');
      // self.softmax(x) is a module or method of the user's class, not Tensor.softmax.
      if (roles && !(receiver?.type === 'identifier' && (receiver.text === 'self' || receiver.text === 'cls'))) {
        const site = this.bind(n, `.${name}`, 'method', { params: ['dim', 'keepdim'] }, roles, undefined);
        site.receiver = fn.childForFieldName('object') ?? undefined;
        site.display = `${fn.childForFieldName('object')?.text ?? ''}.${name}`;
        return site;
      }
    }
    return undefined;
  }

  private bind(n: Node, qualname: string, kind: CallSite['kind'], sig: Signature, roles: string[], framework?: Framework): CallSite {
    const { positional, keywords } = argsOf(n);
    const args = new Map<string, Node>();
    positional.forEach((p, i) => {
      if (i < sig.params.length) args.set(sig.params[i], p);
    });
    for (const [k, v] of keywords) args.set(k, v);
    return { node: n, qualname, display: displayName(qualname), roles, framework, kind, args, positional, keywords };
  }
}
