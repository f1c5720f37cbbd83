import type { Node } from '../python/parser';
import { Binding } from '../python/scope';
import type { ProjectFile } from './project';

/**
 * Per-function and per-class facts read from the syntax tree once per file version: a function's
 * parameters and return expressions, a class's methods and the values stored in its `self`
 * attributes from any method, the layers added to a Sequential by name. Cached per FileAnalysis
 * (a new version of a file gets a new analysis, so nothing goes stale).
 */
interface FileFacts {
  returns: Map<number, Node[]>;
  selfAttrs: Map<number, Map<string, Node[]>>;
  adds: Map<Binding, Node[]>;
  /** callee name (identifier or attribute name) -> calls, built by one query on first use. */
  callsByName?: Map<string, Node[]>;
  stars?: string[];
}

const facts = new WeakMap<object, FileFacts>();

function factsOf(f: ProjectFile): FileFacts {
  let x = facts.get(f.analysis);
  if (!x) facts.set(f.analysis, (x = { returns: new Map(), selfAttrs: new Map(), adds: new Map() }));
  return x;
}

export interface Param {
  name: string;
  default?: Node;
  /** *args / **kwargs (and everything after a bare *). */
  splat?: boolean;
}

/** The parameters of a function definition, in order. */
export function paramList(fn: Node): Param[] {
  const out: Param[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    switch (p.type) {
      case 'identifier': out.push({ name: p.text }); break;
      case 'typed_parameter': {
        const id = p.namedChildren.find((c) => c?.type === 'identifier');
        if (id) out.push({ name: id.text });
        else out.push({ name: '*', splat: true });
        break;
      }
      case 'default_parameter': case 'typed_default_parameter': {
        const name = p.childForFieldName('name')?.text;
        if (name) out.push({ name, default: p.childForFieldName('value') ?? undefined });
        break;
      }
      case 'list_splat_pattern': case 'dictionary_splat_pattern': case 'keyword_separator':
        out.push({ name: p.text, splat: true });
        break;
      default: break;
    }
  }
  return out;
}

/** The expressions a function returns (its own return statements, not those of nested functions). */
export function functionReturns(f: ProjectFile, fn: Node): Node[] {
  const x = factsOf(f);
  let r = x.returns.get(fn.id);
  if (r) return r;
  r = [];
  for (const ret of fn.descendantsOfType('return_statement')) {
    if (!ret || enclosingFunction(ret)?.id !== fn.id) continue;
    const v = ret.namedChildren.find((c) => c && c.type !== 'comment');
    if (v) r.push(v);
  }
  x.returns.set(fn.id, r);
  return r;
}

function enclosingFunction(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return p;
  return undefined;
}

/** The method `name` defined in a class body. */
export function methodOf(cls: Node, name: string): Node | undefined {
  for (const n of cls.childForFieldName('body')?.namedChildren ?? []) {
    const d = n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n;
    if (d?.type === 'function_definition' && d.childForFieldName('name')?.text === name) return d;
  }
  return undefined;
}

/** attribute -> every value assigned to `self.attribute` in any method of the class (in source order). */
export function selfAttributes(f: ProjectFile, cls: Node): Map<string, Node[]> {
  const x = factsOf(f);
  let m = x.selfAttrs.get(cls.id);
  if (m) return m;
  m = new Map();
  for (const a of cls.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    let right = a?.childForFieldName('right');
    while (right?.type === 'assignment') right = right.childForFieldName('right');
    if (!left || !right || left.type !== 'attribute') continue;
    const o = left.childForFieldName('object');
    const attr = left.childForFieldName('attribute')?.text;
    if (o?.type !== 'identifier' || o.text !== 'self' || !attr) continue;
    const list = m.get(attr);
    if (list) list.push(right);
    else m.set(attr, [right]);
  }
  x.selfAttrs.set(cls.id, m);
  return m;
}

/** The layers passed to `name.add(layer)` for a name bound to a keras Sequential, in order. */
export function sequentialAdds(f: ProjectFile, b: Binding): Node[] {
  const x = factsOf(f);
  let r = x.adds.get(b);
  if (r) return r;
  r = [];
  const scopeNode = b.scope.node;
  // A cheap text test first: most scopes never call .add.
  if (scopeNode.text.includes(`${b.name}.add(`)) {
    for (const call of scopeNode.descendantsOfType('call')) {
      const fn = call?.childForFieldName('function');
      if (!call || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'add') continue;
      const obj = fn.childForFieldName('object');
      if (obj?.type !== 'identifier' || obj.text !== b.name || call.startIndex < b.stmt.endIndex) continue;
      if (b.scope.lookup(b.name, call.startIndex) !== b) continue;
      const arg = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment' && c.type !== 'keyword_argument');
      if (arg) r.push(arg);
    }
  }
  x.adds.set(b, r);
  return r;
}

/** The calls of a file whose callee is `name` or `<something>.name`, in source order (one walk per file, on first use). */
export function callsNamed(f: ProjectFile, name: string): Node[] {
  const x = factsOf(f);
  if (!x.callsByName) {
    x.callsByName = new Map();
    for (const call of f.analysis.tree.rootNode.descendantsOfType('call')) {
      const fn = call?.childForFieldName('function');
      const n = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (!call || !n) continue;
      const list = x.callsByName.get(n);
      if (list) list.push(call);
      else x.callsByName.set(n, [call]);
    }
  }
  return x.callsByName.get(name) ?? [];
}

/** Modules star-imported at the top level (`from tensorflow.keras.layers import *` -> 'tensorflow.keras.layers'). */
export function starImports(f: ProjectFile): string[] {
  const x = factsOf(f);
  if (!x.stars) {
    x.stars = [];
    if (f.text.includes('import *')) {
      for (const st of f.analysis.tree.rootNode.namedChildren) {
        if (st?.type !== 'import_from_statement' || !st.namedChildren.some((c) => c?.type === 'wildcard_import')) continue;
        const mod = st.childForFieldName('module_name');
        if (mod) x.stars.push(mod.type === 'relative_import' && mod.text.endsWith('.') ? mod.text.slice(0, -1) : mod.text);
      }
    }
  }
  return x.stars;
}
