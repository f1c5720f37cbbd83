import { inferOrder } from '../python/calls/positional';
import type { Node } from '../python/parser';
import { CallSite, RuleContext } from './context';
import { findKerasDoubleSoftmax } from './keras_softmax_head';
import { formatNumpy } from '../core/format';
import { Tensor } from '../core/tensor';
import { Value } from '../python/values';
import { forwardActivation } from './model_forward';
import { sinkFindings } from './call_sinks';
import { Draft, Rule, span, textOf } from './rule';
import { Explanation, Fix } from './types';
import { kindText } from '../analysis/value';
import { compiledLosses, setFromLogits } from './keras_compile';
import { describeOrigin, originInFile, relatedOf, whereOf } from './provenance';

/**
 * double-softmax (LL101): the output of a softmax reaches an argument that expects logits, so
 * the loss applies softmax a second time. The probabilities then live in [0, 1], the second
 * softmax squashes them towards uniform, and the loss can never fall below log(1 + (C-1)/e).
 * Keras models whose last layer applies softmax, compiled with a from_logits=True loss, are the
 * same mistake spread over two statements (keras_softmax_head.ts).
 */
export const doubleSoftmax: Rule = {
  name: 'double-softmax',
  code: 'LL101',
  defaultSeverity: 'warning',
  summary: 'softmax output passed where the loss expects logits (softmax applied twice)',
  check(ctx) {
    const keras = findKerasDoubleSoftmax(ctx);
    return [...findDoubleActivation(ctx, 'softmax'), ...keras, ...compiledTwice(ctx, 'softmax', keras), ...sinkFindings(ctx, 'double-softmax')];
  },
};

/**
 * Shared by double-softmax and double-sigmoid: for every loss whose argument expects logits,
 * follow that argument through names to its definition; if that is the activation the loss
 * applies itself, report it with a fix that passes the activation's input instead.
 */
export function findDoubleActivation(ctx: RuleContext, activation: 'softmax' | 'sigmoid'): Draft[] {
  const out: Draft[] = [];
  for (const site of ctx.calls()) {
    if (!site.roles.includes(`${activation}-loss`)) continue;
    const logits = logitsArgument(ctx, site);
    if (!logits) continue;
    const found = syntacticFinding(ctx, site, logits, activation) ?? analysisFinding(ctx, site, logits, activation);
    if (found) out.push(found);
  }
  return out;
}

/** The activation reached through names in this file, or a same-file model whose forward() ends in it (the exact, fixable cases). */
function syntacticFinding(ctx: RuleContext, site: CallSite, logits: Node, activation: 'softmax' | 'sigmoid'): Draft | undefined {
  const chain = ctx.trace(logits);
  const def = chain[chain.length - 1];
  const act = def.type === 'call' ? ctx.site(def) : undefined;
  if (!act && def.type === 'call') {
    const fw = forwardActivation(ctx, def, activation);
    return fw ? forwardFinding(ctx, site, logits, def, fw.act, fw.returned, activation) : undefined;
  }
  if (!act || !act.roles.includes(activation)) return undefined;
  const input = activationInput(act);
  if (!input) return undefined;
  const explanation = ctx.shouldExplain(logits) ? explainTwice(ctx, site, logits, input, activation) : undefined;
  const via = chain.length > 1 && chain[0].type === 'identifier' ? ` (through '${chain[0].text}')` : '';
  const where = logits.startIndex === def.startIndex ? '' : via;
  return {
    ...span(logits),
    message:
      `${act.display}(...) output${where} is passed to ${site.display}, which applies ${activation} itself: ` +
      `the ${activation} is applied twice. Pass the logits (${short(textOf(ctx, input))}) instead.`,
    related: [{ ...span(def), message: `the ${activation} applied here` }],
    fixes: [
      {
        title: `Remove the inner ${activation}: pass ${short(textOf(ctx, input))}`,
        edits: [{ ...span(logits), newText: textOf(ctx, input) }],
        preferred: true,
      },
    ],
    ...(explanation ? { explanation } : {}),
  };
}

/**
 * Any other distance, from the project-wide analysis: helper returns, model classes in other
 * files, Sequential ending in nn.Softmax, tuples, attributes. Silent when the analysis is unsure.
 */
function analysisFinding(ctx: RuleContext, site: CallSite, logits: Node, activation: 'softmax' | 'sigmoid'): Draft | undefined {
  const v = ctx.value(logits);
  if (v.kind !== (activation === 'softmax' ? 'probs' : 'sigmoidProbs') || v.incomplete || v.prov.length === 0) return undefined;
  const origin = originInFile(ctx, v);
  const fixes: Fix[] = origin?.input
    ? [{
      title: `Remove the ${activation} at ${whereOf(ctx, v.prov[0])}: use ${short(origin.input)} (code that needs probabilities then applies ${activation} itself)`,
      edits: [{ start: origin.node.startIndex, end: origin.node.endIndex, newText: origin.input }],
      applicability: 'unsafe',
    }]
    : [];
  return {
    ...span(logits),
    message:
      `${short(textOf(ctx, logits))} holds ${kindText(v.kind)} from ${describeOrigin(ctx, v)}, and ${site.display} applies ${activation} itself: ` +
      `the ${activation} is applied twice. Pass the logits (the ${activation}'s input) instead.`,
    related: relatedOf(ctx, v, `the ${activation} applied here`),
    fixes,
  };
}

/**
 * The loss as written (activation applied twice) and as meant (the activation's input passed
 * as the logits), evaluated by the evaluator with the argument overridden; plus the bound the
 * double activation imposes: log(1 + (C-1)/e) for softmax over C classes, [0.5, 0.731] for sigmoid.
 */
function explainTwice(ctx: RuleContext, site: CallSite, logits: Node, input: Node, activation: 'softmax' | 'sigmoid'): Explanation | undefined {
  const ev = ctx.analysis.evaluator;
  let written: Value;
  let meant: Value;
  let inputValue: Value;
  try {
    written = ev.evaluate(site.node);
    inputValue = ev.evaluate(input);
    meant = ev.evaluateWith(site.node, new Map([[logits.id, inputValue]]));
  } catch {
    return undefined;
  }
  if (written.kind !== 'tensor' || meant.kind !== 'tensor' || inputValue.kind !== 'tensor') return undefined;
  const print = (t: Tensor) => (t.size > 64 ? `${t.dtype}[${t.shape.join(', ')}]` : formatNumpy(t).replace(/\s+/g, ' '));
  const details: string[] = [];
  const x = inputValue.tensor;
  if (activation === 'softmax' && x.rank >= 1) {
    const axis = site.qualname.startsWith('torch.') && x.rank >= 2 ? 1 : x.rank - 1;
    const c = x.shape[axis];
    const bound = Math.log(1 + (c - 1) / Math.E);
    details.push(`with ${c} classes a double softmax keeps every per-example loss >= log(1 + (C-1)/e) = ${bound.toPrecision(4)}, even for perfect logits`);
  } else if (activation === 'sigmoid') {
    details.push('after a double sigmoid the predicted probabilities stay within [0.5, 0.731]');
  }
  return {
    asWritten: `${site.display}(${activation}(${short(textOf(ctx, input))}), ...) = ${print(written.tensor)} (${written.tensor.dtype})`,
    asMeant: `${site.display}(${short(textOf(ctx, input))}, ...) = ${print(meant.tensor)}`,
    details,
  };
}

/**
 * The model's forward() ends in the activation: report at the argument, point at the activation in
 * forward(), and offer to return the activation's input instead (code that needs probabilities at
 * inference then applies the activation itself).
 */
function forwardFinding(ctx: RuleContext, site: CallSite, logits: Node, modelCall: Node, act: CallSite, returned: Node, activation: 'softmax' | 'sigmoid'): Draft {
  const input = activationInput(act);
  const model = modelCall.childForFieldName('function')?.text ?? 'the model';
  const fixes = input
    ? [{
      title: `Return the logits from forward() (${short(textOf(ctx, input))}); apply ${activation} only where probabilities are needed`,
      edits: [{ ...span(returned), newText: textOf(ctx, input) }],
      preferred: true,
    }]
    : [];
  return {
    ...span(logits),
    message:
      `${model}(...) returns ${act.display}(...) from its forward(), and ${site.display} applies ${activation} itself: ` +
      `the ${activation} is applied twice. Return the logits from forward() and apply ${activation} only for predictions.`,
    related: [{ ...span(returned), message: `forward() applies ${activation} here` }],
    fixes,
  };
}

/** The argument of a loss call that must hold logits, or undefined when this call takes probabilities. */
export function logitsArgument(ctx: RuleContext, site: CallSite): Node | undefined {
  if (!site.roles.includes('expects-logits') && !site.roles.includes('keras-loss')) return undefined;
  if (site.roles.includes('keras-loss')) {
    // Keras: y_pred holds logits only with from_logits=True (constructor or function keyword).
    const flag = site.ctor?.args.get('from_logits') ?? site.args.get('from_logits');
    if (!flag || flag.text !== 'True') return undefined;
    return site.args.get('y_pred');
  }
  const q = site.qualname;
  if (q.startsWith('tensorflow.nn.') && site.positional.length >= 2 && !site.keywords.has('logits')) {
    // Positional TF call: pick the logits the way the evaluator reads the author's meaning.
    const [a, b] = site.positional;
    return inferOrder(a.text, b.text).order === 'logits-first' ? a : b;
  }
  return site.args.get('logits') ?? site.args.get('input');
}

/** The tensor an activation call is applied to. */
export function activationInput(act: CallSite): Node | undefined {
  if (act.kind === 'method') return act.receiver;
  return act.args.get('logits') ?? act.args.get('x') ?? act.args.get('input') ?? act.positional[0];
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}

/**
 * model.compile(loss=<from_logits=True loss>) on a model whose output the analysis knows to be
 * softmax (sigmoid) probabilities: subclassed models, models built in helpers or other files.
 * Compile calls the syntactic Keras check already reported are skipped.
 */
export function compiledTwice(ctx: RuleContext, activation: 'softmax' | 'sigmoid', already: Draft[] = []): Draft[] {
  const out: Draft[] = [];
  for (const c of compiledLosses(ctx)) {
    if (!c.fromLogits || already.some((d) => d.start === c.lossArg.startIndex)) continue;
    const ok = activation === 'softmax' ? c.head.kind === 'probs' && c.family !== 'binary' : c.head.kind === 'sigmoidProbs' && c.family === 'binary';
    if (!ok) continue;
    const edit = setFromLogits(ctx, c, false);
    const classes = c.head.units;
    const bound = activation === 'softmax' && classes && classes > 1 ? ` With ${classes} classes the loss cannot fall below log(1 + ${classes - 1}/e) = ${Math.log(1 + (classes - 1) / Math.E).toFixed(3)}.` : '';
    out.push({
      ...span(c.lossArg),
      message:
        `The model outputs ${kindText(c.head.kind!)} (${describeOrigin(ctx, c.head)}), and ${short(textOf(ctx, c.lossArg))} applies ${activation} again (from_logits=True): ` +
        `the ${activation} is applied twice.${bound} Set from_logits=False, or make the last layer linear.`,
      related: relatedOf(ctx, c.head, `the ${activation} of the model's output`),
      fixes: edit ? [{ title: 'Set from_logits=False (the model outputs probabilities)', edits: [edit], preferred: true, applicability: 'safe' }] : [],
    });
  }
  return out;
}
