import type { Node } from './parser';

/**
 * Name bindings of a Python file, collected in one pass in source order: assignments (with
 * tuple unpacking), augmented assignments, imports, function parameters, loop and with targets.
 * A name used at offset p resolves to the last binding of its scope that ends before p; from a
 * function body, enclosing scopes are searched the same way, then (a function runs after the
 * module has executed) for their first later binding.
 */
export type BindingKind = 'assign' | 'augmented' | 'import' | 'param' | 'loop' | 'with' | 'def' | 'class';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The statement that binds (its range orders bindings). */
  stmt: Node;
  /** Right-hand side for assign/augmented. */
  value?: Node;
  /** Index path into the right-hand side for tuple unpacking: `a, (b, c) = ...` gives c the path [1, 1]. */
  path?: number[];
  /** Operator of an augmented assignment ("+=" ...). */
  op?: string;
  /** Canonical dotted name for imports: `import torch.nn.functional as F` binds F to torch.nn.functional. */
  qualname?: string;
  scope: Scope;
  /** Offset from which the binding is visible (set by Scope.add; cached: node offsets are WASM calls). */
  from?: number;
  /** Start offset of the binding statement (cached). */
  start?: number;
}

/** Offset from which a binding is visible: after an assignment statement, but inside the body of
 * the for/with/def that binds a loop variable, a with target or a parameter. */
function visibleFrom(b: Binding): number {
  return b.kind === 'param' || b.kind === 'loop' || b.kind === 'with' ? b.stmt.startIndex : b.stmt.endIndex;
}

export class Scope {
  readonly bindings = new Map<string, Binding[]>();
  /** Names whose bindings were not added in order of `from` (lookup then scans instead of bisecting). */
  private readonly unordered = new Set<string>();
  constructor(readonly node: Node, readonly parent: Scope | undefined) {}

  add(b: Binding): void {
    b.from = visibleFrom(b);
    b.start = b.stmt.startIndex;
    const list = this.bindings.get(b.name);
    if (list) {
      if (list[list.length - 1].from! > b.from) this.unordered.add(b.name);
      list.push(b);
    } else this.bindings.set(b.name, [b]);
  }

  /**
   * The last binding in `list` visible at `offset`. Bindings are collected in source order, so
   * `from` ascends and a binary search finds it: a name bound 100,000 times (x = x + 1) costs
   * 17 steps per use, not a scan of every earlier binding.
   */
  private lastVisible(name: string, list: Binding[], offset: number): Binding | undefined {
    if (this.unordered.has(name)) {
      let found: Binding | undefined;
      for (const b of list) {
        if (b.from! <= offset) found = b;
        else break;
      }
      return found;
    }
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].from! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : list[found];
  }

  /** The binding of `name` visible at `offset`, or undefined when the name is not bound in this file. */
  lookup(name: string, offset: number): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const list = s.bindings.get(name);
      if (!list) continue;
      const found = s.lastVisible(name, list, offset);
      if (found) return found;
      // From inside a function, a module name bound later is bound by the time the function runs.
      if (s !== this && list[0].start! > offset) return list[0];
    }
    return undefined;
  }
}

export interface ScopeIndex {
  module: Scope;
  /** The innermost scope containing an offset. */
  scopeAt(offset: number): Scope;
}

/** Statements whose blocks (directly or in else/elif/except/finally/case clauses) are walked. */
const COMPOUND = new Set(['if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement', 'match_statement', 'case_clause']);

/** Collects the bindings of a parsed module. Iterative over statements, so deep files cannot blow the stack. */
export function collectScopes(root: Node): ScopeIndex {
  const module = new Scope(root, undefined);
  const scopes: Scope[] = [];

  const visitBlock = (block: Node, scope: Scope, depth: number): void => {
    if (depth > 100) return; // absurd nesting: bindings deeper than this are ignored
    for (const stmt of block.namedChildren) {
      if (stmt) visitStatement(stmt, scope, depth);
    }
  };

  const visitStatement = (stmt: Node, scope: Scope, depth: number): void => {
    switch (stmt.type) {
      case 'expression_statement': {
        // An assignment is the statement's only child; other expression statements bind nothing.
        const e = stmt.firstNamedChild;
        if (e && (e.type === 'assignment' || e.type === 'augmented_assignment')) visitExpression(e, stmt, scope);
        return;
      }
      case 'import_statement':
        for (const n of stmt.childrenForFieldName('name')) {
          if (!n) continue;
          if (n.type === 'aliased_import') {
            const dotted = n.childForFieldName('name')!.text;
            scope.add({ name: n.childForFieldName('alias')!.text, kind: 'import', stmt, qualname: dotted, scope });
          } else {
            const first = n.text.split('.')[0];
            scope.add({ name: first, kind: 'import', stmt, qualname: first, scope });
          }
        }
        return;
      case 'import_from_statement': {
        const mod = stmt.childForFieldName('module_name');
        if (!mod) return;
        // `from .nets import build`: qualname '.nets.build' (resolved against the project by src/analysis).
        const prefix = mod.type === 'relative_import' ? (mod.text.endsWith('.') ? mod.text.slice(0, -1) : mod.text) : mod.text;
        for (const n of stmt.childrenForFieldName('name')) {
          if (!n) continue;
          if (n.type === 'aliased_import') {
            const orig = n.childForFieldName('name')!.text;
            scope.add({ name: n.childForFieldName('alias')!.text, kind: 'import', stmt, qualname: `${prefix}.${orig}`, scope });
          } else {
            scope.add({ name: n.text, kind: 'import', stmt, qualname: `${prefix}.${n.text}`, scope });
          }
        }
        return;
      }
      case 'function_definition':
      case 'class_definition': {
        const name = stmt.childForFieldName('name');
        if (name) scope.add({ name: name.text, kind: stmt.type === 'class_definition' ? 'class' : 'def', stmt, scope });
        const inner = new Scope(stmt, scope);
        scopes.push(inner);
        const params = stmt.childForFieldName('parameters');
        if (params) for (const p of params.namedChildren) if (p) bindParam(p, stmt, inner);
        const body = stmt.childForFieldName('body');
        if (body) visitBlock(body, inner, depth + 1);
        return;
      }
      case 'decorated_definition': {
        const def = stmt.childForFieldName('definition');
        if (def) visitStatement(def, scope, depth);
        return;
      }
      case 'for_statement': {
        const left = stmt.childForFieldName('left');
        if (left) bindTargets(left, stmt, scope, 'loop');
        break;
      }
      case 'with_statement':
        for (const item of stmt.descendantsOfType('as_pattern_target')) {
          if (item) bindTargets(item, stmt, scope, 'with');
        }
        break;
    }
    // Compound statements: their blocks, in order, in the same scope. (Simple statements have
    // no blocks: skip walking their children, which costs a call into the parser per child.)
    if (!COMPOUND.has(stmt.type)) return;
    for (const child of stmt.namedChildren) {
      if (!child) continue;
      if (child.type === 'block') visitBlock(child, scope, depth + 1);
      else if (/_clause$/.test(child.type)) {
        for (const c of child.namedChildren) if (c && c.type === 'block') visitBlock(c, scope, depth + 1);
      }
    }
  };

  const visitExpression = (e: Node, stmt: Node, scope: Scope): void => {
    if (e.type === 'assignment') {
      const left = e.childForFieldName('left');
      let right = e.childForFieldName('right');
      // a = b = value: every target gets the innermost value
      const targets: Node[] = [];
      if (left) targets.push(left);
      while (right && right.type === 'assignment') {
        const l = right.childForFieldName('left');
        if (l) targets.push(l);
        right = right.childForFieldName('right');
      }
      for (const t of targets) bindTargets(t, stmt, scope, 'assign', right ?? undefined);
    } else if (e.type === 'augmented_assignment') {
      const left = e.childForFieldName('left');
      const op = e.childForFieldName('operator')?.text;
      if (left?.type === 'identifier') {
        scope.add({ name: left.text, kind: 'augmented', stmt, value: e.childForFieldName('right') ?? undefined, op, scope });
      }
    }
  };

  const bindTargets = (t: Node, stmt: Node, scope: Scope, kind: BindingKind, value?: Node, path: number[] = []): void => {
    switch (t.type) {
      case 'identifier':
        scope.add({ name: t.text, kind, stmt, value, path: path.length ? path : undefined, scope });
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'expression_list':
      case 'tuple':
      case 'list': {
        let i = 0;
        for (const c of t.namedChildren) if (c) bindTargets(c, stmt, scope, kind, value, [...path, i++]);
        return;
      }
      case 'parenthesized_expression':
      case 'as_pattern_target': {
        const inner = t.namedChildren[0];
        if (inner) bindTargets(inner, stmt, scope, kind, value, path);
        return;
      }
      default:
        return; // attribute or subscript targets do not bind names
    }
  };

  const bindParam = (p: Node, stmt: Node, scope: Scope): void => {
    const id = p.type === 'identifier' ? p : p.namedChildren.find((c) => c?.type === 'identifier');
    if (id) scope.add({ name: id.text, kind: 'param', stmt, scope });
  };

  visitBlock(root, module, 0);
  // Scopes are collected in source order (a parent before the scopes nested in it), so the
  // innermost scope containing an offset is the last one starting at or before it that
  // still contains it: binary search, then walk back over siblings that ended earlier.
  const starts = scopes.map((s) => s.node.startIndex);
  const ends = scopes.map((s) => s.node.endIndex);
  return {
    module,
    scopeAt(offset: number): Scope {
      let lo = 0;
      let hi = starts.length - 1;
      let i = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid] <= offset) {
          i = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (; i >= 0; i--) if (offset < ends[i]) return scopes[i];
      return module;
    },
  };
}

