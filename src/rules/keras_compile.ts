import { AbsVal } from '../analysis/value';
import { canonicalName } from '../python/calls/registry';
import type { Node } from '../python/parser';
import { argsOf } from '../python/syntax';
import { RuleContext } from './context';
import { span } from './rule';
import { TextEdit } from './types';

/**
 * A Keras `model.compile(loss=...)` seen through the analysis: what the model outputs (its last
 * layer's activation and units, for Sequential, functional and subclassed models, in this file or
 * imported) and what the compiled loss expects (family and from_logits, whether the loss is given
 * as a string, a function or an object). The rules compare the two.
 */
export interface CompiledLoss {
  call: Node;
  /** The loss argument (where findings are reported). */
  lossArg: Node;
  family: 'categorical' | 'sparse' | 'binary';
  fromLogits: boolean;
  /** How the loss is written: 'string' ('binary_crossentropy'), 'function', 'object' (BinaryCrossentropy(...)). */
  form: 'string' | 'function' | 'object';
  /** The from_logits argument when given, and the constructor call of an object loss. */
  flag?: Node;
  ctor?: Node;
  /** What the model outputs. */
  head: AbsVal;
}

const shared = new WeakMap<object, CompiledLoss[]>();

/** Every compile call of the file whose loss is a cross-entropy and whose model output the analysis knows (computed once per analysis). */
export function compiledLosses(ctx: RuleContext): CompiledLoss[] {
  const key = ctx.analysis;
  const have = shared.get(key);
  if (have) return have;
  const out: CompiledLoss[] = [];
  if (ctx.text.includes('.compile(')) {
    for (const call of ctx.callNodes()) {
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'compile') continue;
      const receiver = fn.childForFieldName('object');
      const args = argsOf(call);
      const lossArg = args.keywords.get('loss') ?? args.positional[1];
      if (!receiver || !lossArg) continue;
      const loss = lossOf(ctx, lossArg);
      if (!loss) continue;
      const head = ctx.modelOutput(receiver);
      if (!head.kind || head.incomplete) continue;
      out.push({ call, lossArg, head, ...loss });
    }
  }
  shared.set(key, out);
  return out;
}

const STRING_LOSSES: Record<string, CompiledLoss['family']> = {
  categorical_crossentropy: 'categorical',
  sparse_categorical_crossentropy: 'sparse',
  binary_crossentropy: 'binary',
};

function familyOf(name: string): CompiledLoss['family'] | undefined {
  if (/^keras\.(losses|metrics)\.sparse_categorical_crossentropy$|^keras\.losses\.SparseCategoricalCrossentropy$/.test(name)) return 'sparse';
  if (/^keras\.(losses|metrics)\.categorical_crossentropy$|^keras\.losses\.CategoricalCrossentropy$/.test(name)) return 'categorical';
  if (/^keras\.(losses|metrics)\.binary_crossentropy$|^keras\.losses\.BinaryCrossentropy$/.test(name)) return 'binary';
  return undefined;
}

function lossOf(ctx: RuleContext, node: Node): Omit<CompiledLoss, 'call' | 'lossArg' | 'head'> | undefined {
  const def = ctx.definition(node);
  if (def.type === 'string') {
    const m = /^[rRuU]?(['"])(\w+)\1$/.exec(def.text);
    const family = m ? STRING_LOSSES[m[2]] : undefined;
    return family ? { family, fromLogits: false, form: 'string' } : undefined;
  }
  if (def.type === 'call') {
    const fn = def.childForFieldName('function');
    const q = fn ? ctx.qualnameOf(fn) : undefined;
    const family = q ? familyOf(canonicalName(q)) : undefined;
    if (!family) return undefined;
    const args = argsOf(def);
    const flag = args.keywords.get('from_logits') ?? args.positional[0];
    const fromLogits = flag ? isTrueLiteral(ctx, flag) : false;
    if (fromLogits === undefined) return undefined; // from_logits not a literal: unsure
    return { family, fromLogits, form: 'object', flag, ctor: def };
  }
  const q = ctx.qualnameOf(def);
  const family = q ? familyOf(canonicalName(q)) : undefined;
  return family ? { family, fromLogits: false, form: 'function' } : undefined;
}

/** True / False for a literal (through a name), undefined when not known. */
function isTrueLiteral(ctx: RuleContext, n: Node): boolean | undefined {
  const d = ctx.definition(n);
  if (d.type === 'true') return true;
  if (d.type === 'false') return false;
  return undefined;
}

/** The loss with from_logits set to `value`: one edit (the flag, the constructor's arguments, or the string replaced by an object). */
export function setFromLogits(ctx: RuleContext, c: CompiledLoss, value: boolean): TextEdit | undefined {
  const text = value ? 'True' : 'False';
  if (c.flag && c.flag.parent?.type === 'keyword_argument') return { ...span(c.flag), newText: text };
  if (c.ctor) {
    const args = c.ctor.childForFieldName('arguments');
    if (!args || c.flag) return undefined;
    const inner = ctx.text.slice(args.startIndex + 1, args.endIndex - 1).trim();
    return { start: args.startIndex, end: args.endIndex, newText: `(from_logits=${text}${inner ? `, ${inner}` : ''})` };
  }
  if (c.form === 'string' && value) {
    const prefix = kerasPrefix(ctx);
    if (!prefix) return undefined;
    const cls = c.family === 'binary' ? 'BinaryCrossentropy' : c.family === 'sparse' ? 'SparseCategoricalCrossentropy' : 'CategoricalCrossentropy';
    const def = ctx.definition(c.lossArg);
    if (def.id !== c.lossArg.id) return undefined;
    return { ...span(c.lossArg), newText: `${prefix}.losses.${cls}(from_logits=True)` };
  }
  return undefined;
}

/** How the file reaches Keras: 'tf.keras' or 'keras' (from its imports), undefined when neither is imported. */
function kerasPrefix(ctx: RuleContext): string | undefined {
  const m = ctx.analysis.scopes.module;
  const end = ctx.text.length + 1;
  const tf = m.lookup('tf', end);
  if (tf?.kind === 'import' && tf.qualname === 'tensorflow') return 'tf.keras';
  const k = m.lookup('keras', end);
  if (k?.kind === 'import' && (k.qualname === 'keras' || k.qualname === 'tensorflow.keras')) return 'keras';
  return undefined;
}
