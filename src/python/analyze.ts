import { DType } from '../core/dtype';
import { BudgetError, LossLensError } from '../core/errors';
import { Tensor } from '../core/tensor';
import './calls';
import { Evaluator, EvalOptions } from './evaluator';
import { unreadableIn } from './parser';
import type { Node, Tree } from './parser';
import type { Unreadable } from './recover';
import { collectScopes, ScopeIndex } from './scope';
import { EvalError, Framework, Value } from './values';

/** One evaluated statement (or print argument) of a file. Positions are 1-based, columns in UTF-16 units. */
export interface EvalResult {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  name: string | null;
  expression: string;
  dtype: DType | null;
  shape: (number | null)[] | null;
  tensor: Tensor | null;
  /** The library the value belongs to (decides how it is printed). */
  framework: Framework | null;
  error: string | null;
  notes: string[];
}

/** A parsed file with its scopes and an evaluator whose caches live as long as the document version. */
export class FileAnalysis {
  readonly scopes: ScopeIndex;
  readonly evaluator: Evaluator;
  /** Where syntax errors kept the analysis from reading the code (see recover.ts); the rest is analysed. */
  readonly unreadable: Unreadable[];

  constructor(readonly tree: Tree, readonly text: string, opts: EvalOptions = {}) {
    this.unreadable = unreadableIn(tree);
    this.scopes = collectScopes(tree.rootNode);
    this.evaluator = new Evaluator(this.scopes, opts);
  }

  /**
   * Evaluates every assignment and expression statement whose value is a tensor computation Loss
   * Lens knows. Statements that are not tensor computations (imports, sessions, strings) are
   * skipped; recognised ones that cannot be evaluated get `error` saying why.
   */
  evaluateAll(): EvalResult[] {
    const out: EvalResult[] = [];
    const stmts = this.tree.rootNode.descendantsOfType(['expression_statement', 'print_statement']);
    for (const stmt of stmts) {
      if (!stmt) continue;
      try {
        for (const target of this.targets(stmt)) {
          const r = this.evaluateTarget(target.node, target.name, target.binding, target.range);
          if (r) out.push(r);
        }
      } catch (e) {
        if (e instanceof BudgetError && e.stopsAll) {
          // Out of time or memory, or cancelled: said once, and nothing after it is evaluated.
          out.push(this.result(stmt, null, null, e.message));
          break;
        }
        // A bug of ours must not take the editor down: report it on the statement and go on.
        out.push(this.result(stmt, null, null, `internal error while evaluating (please report): ${e instanceof Error ? e.message : String(e)}`));
      }
    }
    return out;
  }

  /** Evaluates one expression node where it stands (for hovers and Evaluate Selection). */
  evaluateNode(node: Node, name: string | null = null): EvalResult | null {
    try {
      return this.evaluateTarget(node, name);
    } catch (e) {
      if (e instanceof BudgetError) return this.result(node, name, null, e.message);
      throw e;
    }
  }

  private targets(stmt: Node): { node: Node; name: string | null; binding?: import('./scope').Binding; range?: Node }[] {
    if (stmt.type === 'print_statement') return stmt.childrenForFieldName('argument').filter(isNode).map((n) => ({ node: n, name: fetchName(n) }));
    const e = stmt.namedChildren.find((c) => c && c.type !== 'comment');
    if (!e) return [];
    if (e.type === 'assignment' || e.type === 'augmented_assignment') {
      let right = e.childForFieldName('right');
      while (right && right.type === 'assignment') right = right.childForFieldName('right');
      const left = e.childForFieldName('left');
      if (!right || !left) return [];
      const scope = this.scopes.scopeAt(stmt.startIndex);
      const own = (id: Node) => {
        const b = scope.lookup(id.text, stmt.endIndex);
        return b && b.stmt.id === stmt.id ? b : undefined;
      };
      if (left.type === 'identifier') return [{ node: right, name: left.text, binding: own(left), range: stmt }];
      // Tuple unpacking: one result per bound name.
      const names = left.type === 'attribute' || left.type === 'subscript' ? [] : left.descendantsOfType('identifier').filter(isNode);
      if (names.length === 0) return [{ node: right, name: null, range: stmt }];
      return names.flatMap((id) => {
        const b = own(id);
        return b ? [{ node: right, name: id.text, binding: b, range: stmt }] : [];
      });
    }
    if (e.type === 'call') {
      const fn = e.childForFieldName('function');
      if (fn?.type === 'identifier' && fn.text === 'print' && !this.scopes.module.lookup('print', e.startIndex)) {
        const args = e.childForFieldName('arguments');
        return (args?.namedChildren ?? []).filter(isNode).filter((a) => a.type !== 'keyword_argument' && a.type !== 'comment').map((n) => ({ node: n, name: fetchName(n) }));
      }
    }
    return [{ node: e, name: fetchName(e) }];
  }

  private evaluateTarget(node: Node, name: string | null, binding?: import('./scope').Binding, range: Node = node): EvalResult | null {
    const ev = this.evaluator;
    let v: Value;
    try {
      v = binding ? (ev.touchedKnown = false, ev.notes = [], ev.evalBinding(binding, undefined)) : ev.evaluate(node);
    } catch (e) {
      if (e instanceof BudgetError && e.stopsAll) throw e;
      if (e instanceof LossLensError) return this.result(node, name, null, e.message, range);
      if (e instanceof EvalError) {
        if (!e.recognised && !ev.touchedKnown) return null;
        const prefix = `${name}: `;
        const msg = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
        return this.result(node, name, null, msg, range);
      }
      throw e;
    }
    if (v.kind === 'tensor') return { ...this.result(node, name, v.tensor, null, range), framework: v.framework };
    if (v.kind === 'abstract') {
      if (v.placeholder && binding) return null; // the placeholder's own declaration
      const r = this.result(node, name, null, `value not known here: ${v.why}`, range);
      r.dtype = v.dtype;
      r.shape = v.shape;
      return r;
    }
    return null;
  }

  /** A result for the expression `node`, located at `range` (the whole statement for an assignment). */
  private result(node: Node, name: string | null, t: Tensor | null, error: string | null, range: Node = node): EvalResult {
    return {
      line: range.startPosition.row + 1,
      column: range.startPosition.column + 1,
      endLine: range.endPosition.row + 1,
      endColumn: range.endPosition.column + 1,
      name,
      expression: node.text.length > 2000 ? `${node.text.slice(0, 2000)}…` : node.text,
      dtype: t ? t.dtype : null,
      shape: t ? [...t.shape] : null,
      tensor: t,
      framework: null,
      error,
      notes: [...this.evaluator.notes],
    };
  }
}

function isNode(n: Node | null): n is Node {
  return n !== null;
}

/** The name a result is about: `x.eval(...)` and `sess.run(x, ...)` are about x. */
function fetchName(n: Node): string | null {
  if (n.type === 'identifier') return n.text;
  if (n.type !== 'call') return null;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'attribute') return null;
  const attr = fn.childForFieldName('attribute')?.text;
  if (attr === 'eval') {
    const obj = fn.childForFieldName('object');
    return obj?.type === 'identifier' ? obj.text : null;
  }
  if (attr === 'run') {
    const first = n.childForFieldName('arguments')?.namedChildren[0];
    return first?.type === 'identifier' ? first.text : null;
  }
  return null;
}
