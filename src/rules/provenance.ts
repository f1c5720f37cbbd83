import { AbsVal, Step } from '../analysis/value';
import { LineIndex } from '../python/lines';
import type { Node } from '../python/parser';
import { RuleContext } from './context';
import { Related, TextEdit } from './types';

/**
 * Turning an analysis value's provenance into what a finding shows: a short "where it came from"
 * for the message, related locations (in other files too), and the origin of the value for fixes.
 */

/** "model.py line 9" for another file, "line 9" for this one. */
export function whereOf(ctx: RuleContext, s: Step): string {
  const line = lineOf(ctx, s);
  if (s.file === ctx.path) return `line ${line.line}`;
  return `${baseName(s.file)} line ${line.line}`;
}

function lineOf(ctx: RuleContext, s: Step): { line: number; column: number } {
  const text = s.file === ctx.path ? ctx.text : ctx.project.file(s.file)?.text;
  if (text === undefined) return { line: 0, column: 0 };
  return new LineIndex(text).position(s.start);
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** "F.softmax(...) (model.py line 9), returned by forward() (line 12), output of Net" */
export function describeOrigin(ctx: RuleContext, v: AbsVal): string {
  return v.prov.map((s, i) => (i === 0 || s.file !== ctx.path || i === v.prov.length - 1 ? `${s.what} (${whereOf(ctx, s)})` : s.what)).join(', ');
}

/** Every provenance step as a related location (other files carry their path, line and column). */
export function relatedOf(ctx: RuleContext, v: AbsVal, firstMessage: string): Related[] {
  return v.prov.map((s, i) => {
    const msg = i === 0 ? firstMessage : s.what;
    if (s.file === ctx.path) return { start: s.start, end: s.end, message: msg };
    const pos = lineOf(ctx, s);
    return { start: s.start, end: s.end, message: msg, file: s.file, line: pos.line, column: pos.column };
  });
}

/** The producer call of a value when it is in this file (fixes stay within the finding's file). */
export function originInFile(ctx: RuleContext, v: AbsVal): { node: Node; input?: string } | undefined {
  const s = v.prov[0];
  if (!s || s.file !== ctx.path) return undefined;
  const node = ctx.root.descendantForIndex(s.start, s.end);
  let n: Node | null = node;
  while (n && !(n.startIndex === s.start && n.endIndex === s.end)) n = n.parent;
  if (!n) return undefined;
  const input = v.input && v.input.file === ctx.path ? ctx.text.slice(v.input.start, v.input.end) : undefined;
  return { node: n, input };
}

/** Whether the argument node is itself the producer call (the value has no other use to break). */
export function isDirect(arg: Node, v: AbsVal): boolean {
  const s = v.prov[0];
  return !!s && s.start === arg.startIndex && s.end === arg.endIndex;
}

/** An edit renaming the function of a call (`F.softmax(` -> `F.log_softmax(`), keeping its arguments. */
export function renameCallee(call: Node, from: RegExp, to: string): TextEdit | undefined {
  const fn = call.type === 'call' ? call.childForFieldName('function') : undefined;
  if (!fn) return undefined;
  const name = fn.type === 'attribute' ? fn.childForFieldName('attribute') : fn;
  if (!name || !from.test(name.text)) return undefined;
  return { start: name.startIndex, end: name.endIndex, newText: name.text.replace(from, to) };
}
