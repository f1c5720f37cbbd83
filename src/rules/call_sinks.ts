import { AbsVal, Kind, kindText } from '../analysis/value';
import type { Node } from '../python/parser';
import { paramList } from '../analysis/summaries';
import { argsOf } from '../python/syntax';
import { CallSite, RuleContext } from './context';
import { logitsArgument } from './double_softmax';
import { lossUses } from './loss_args';
import { describeOrigin, relatedOf, whereOf } from './provenance';
import { Draft, span, textOf } from './rule';
import { RuleName } from './types';

/**
 * Pysa-style parameter sinks: a call of a project function or model whose parameter reaches a
 * loss inside it (`capsule_loss(classes, y)` where CapsuleLoss.forward passes `classes` to
 * nn.CrossEntropyLoss; a shared `bce(p, t)` helper). The callee's loss argument is evaluated with
 * the caller's argument values; a kind the loss does not take is reported at the caller's
 * argument, with the loss inside the callee as a related location. Cases the callee's own file
 * already reports (its parameter has that kind from its own callers) are left to it.
 */
type Expects = 'softmax-logits' | 'sigmoid-logits' | 'log-probs' | 'probs-binary' | 'probs-categorical';

interface Sink {
  site: CallSite;
  pred: Node;
  expects: Expects;
}

export interface SinkHit {
  rule: RuleName;
  /** The caller's argument. */
  arg: Node;
  value: AbsVal;
  sink: Sink;
  calleeFile: string;
  calleeName: string;
}

const sinksByAnalysis = new WeakMap<object, Sink[]>();
const hitsByAnalysis = new WeakMap<object, SinkHit[]>();

function sinksOf(ctx: RuleContext): Sink[] {
  let s = sinksByAnalysis.get(ctx.analysis);
  if (s) return s;
  s = [];
  for (const site of ctx.calls()) {
    for (const act of ['softmax', 'sigmoid'] as const) {
      if (!site.roles.includes(`${act}-loss`)) continue;
      const pred = logitsArgument(ctx, site);
      if (pred) s.push({ site, pred, expects: act === 'softmax' ? 'softmax-logits' : 'sigmoid-logits' });
    }
  }
  for (const u of lossUses(ctx)) {
    if (u.family === 'nll') s.push({ site: u.site, pred: u.pred, expects: 'log-probs' });
    else if (u.fromLogits === false) s.push({ site: u.site, pred: u.pred, expects: u.family === 'binary' ? 'probs-binary' : 'probs-categorical' });
  }
  sinksByAnalysis.set(ctx.analysis, s);
  return s;
}

/** Which rule a kind arriving at a sink breaks, if any. */
function ruleFor(expects: Expects, v: AbsVal): RuleName | undefined {
  const k: Kind | undefined = v.kind;
  switch (expects) {
    case 'softmax-logits': return k === 'probs' ? 'double-softmax' : undefined;
    case 'sigmoid-logits': return k === 'sigmoidProbs' ? 'double-sigmoid' : undefined;
    case 'log-probs': return k === 'probs' || k === 'logits' || k === 'sigmoidProbs' ? 'nll-expects-log-probs' : undefined;
    case 'probs-binary': return k === 'logits' ? 'logits-into-probability-loss' : k === 'probs' && !v.sliced && v.units !== 1 ? 'multiclass-multilabel' : undefined;
    case 'probs-categorical': return k === 'logits' ? 'logits-into-probability-loss' : k === 'sigmoidProbs' ? 'multiclass-multilabel' : undefined;
  }
}

/** Every sink hit of the file's calls (computed once per analysis and shared by the rules). */
export function sinkHits(ctx: RuleContext): SinkHit[] {
  const have = hitsByAnalysis.get(ctx.analysis);
  if (have) return have;
  const out: SinkHit[] = [];
  const engine = ctx.project.engine;
  const ownSinks = sinksOf(ctx).length > 0;
  for (const call of ctx.callNodes()) {
    const fn = call.childForFieldName('function');
    if (!fn || (fn.type !== 'identifier' && fn.type !== 'attribute')) continue;
    const home = calleeHome(ctx, fn);
    if (home === undefined || (home === ctx.path ? !ownSinks : !ctx.project.mayContainLoss(home))) continue;
    if (ctx.site(call)) continue; // a library call, not a project function
    let sinks: Sink[] = [];
    let cctx: RuleContext | undefined;
    const callee = engine.calleeOf(ctx.path, call, (file, def) => {
      const pf = file === ctx.path ? undefined : ctx.project.file(file);
      cctx = pf ? new RuleContext(pf.analysis, { ...ctx.options, project: ctx.project, path: file }) : ctx;
      sinks = sinksOf(cctx).filter((s) => s.site.node.startIndex >= def.startIndex && s.site.node.endIndex <= def.endIndex);
      return sinks.length > 0;
    });
    if (!callee || !cctx) continue;
    const params = paramList(callee.fn);
    const { positional, keywords } = argsOf(call);
    const offset = params[0] && callee.env.params.get(params[0].name)?.ref?.type === 'instance' ? 1 : 0;
    for (const sink of sinks) {
      // Only sinks fed by a parameter the caller passes.
      const names = new Set(sink.pred.descendantsOfType('identifier').map((i) => i?.text).concat(sink.pred.type === 'identifier' ? [sink.pred.text] : []));
      const k = params.findIndex((p, i) => i >= offset && !p.splat && names.has(p.name));
      if (k < 0) continue;
      const arg = keywords.get(params[k].name) ?? positional[k - offset];
      if (!arg) continue;
      const v = engine.valueIn(callee.file, sink.pred, callee.env);
      if (!v.kind || v.incomplete || v.prov.length === 0) continue;
      const rule = ruleFor(sink.expects, v);
      if (!rule) continue;
      if (cctx.value(sink.pred).kind === v.kind) continue; // reported in the callee itself
      out.push({ rule, arg, value: v, sink, calleeFile: callee.file, calleeName: callee.fn.childForFieldName('name')?.text ?? 'the function' });
    }
  }
  hitsByAnalysis.set(ctx.analysis, out);
  return out;
}

/**
 * The file a callee is defined in, found syntactically and without parsing other files: a
 * function or class of this file (or a method through self), a name imported from a project
 * module, or a name assigned from a call of one of those (`crit = losses.CapsuleLoss()`).
 * Undefined when it is not a project callee (or not found): such calls are not followed.
 */
function calleeHome(ctx: RuleContext, fn: Node): string | undefined {
  let cur: Node | null = fn;
  for (let i = 0; i < 6 && cur; i++) {
    if (cur.type === 'attribute') {
      cur = cur.childForFieldName('object');
      continue;
    }
    if (cur.type === 'call') {
      cur = cur.childForFieldName('function');
      continue;
    }
    if (cur.type !== 'identifier') return undefined;
    if (cur.text === 'self') return ctx.path;
    const b = ctx.binding(cur);
    if (!b) return undefined;
    if (b.kind === 'def' || b.kind === 'class') return ctx.path;
    if (b.kind === 'import') return b.qualname ? ctx.project.resolveImport(ctx.path, b.qualname)?.path : undefined;
    if (b.kind === 'param') return ctx.path;
    if (b.kind !== 'assign' || !b.value || b.path) return undefined;
    cur = b.value;
  }
  return undefined;
}

/** The findings of one rule among the sink hits. */
export function sinkFindings(ctx: RuleContext, rule: RuleName): Draft[] {
  return sinkHits(ctx)
    .filter((h) => h.rule === rule)
    .map((h) => {
      const loss = { file: h.calleeFile, start: h.sink.site.node.startIndex, end: h.sink.site.node.endIndex, what: `${h.sink.site.display} inside ${h.calleeName}()` };
      const expectsText = { 'softmax-logits': 'logits (it applies softmax itself)', 'sigmoid-logits': 'logits (it applies sigmoid itself)', 'log-probs': 'log-probabilities (log_softmax output)', 'probs-binary': 'independent per-class probabilities (sigmoid output)', 'probs-categorical': 'probabilities (softmax output)' }[h.sink.expects];
      return {
        ...span(h.arg),
        message:
          `${short(textOf(ctx, h.arg))} holds ${kindText(h.value.kind!)} from ${describeOrigin(ctx, h.value)}; ${h.calleeName}() passes it to ` +
          `${h.sink.site.display} (${whereOf(ctx, loss)}), which expects ${expectsText}.`,
        related: [...relatedOf(ctx, h.value, 'made here'), ...relatedOf(ctx, { prov: [loss], kind: h.value.kind }, `the loss inside ${h.calleeName}()`)],
        fixes: [],
      };
    });
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
