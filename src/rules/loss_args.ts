import type { Node } from '../python/parser';
import { CallSite, RuleContext } from './context';
import { TextEdit } from './types';

/**
 * What a loss call site expects, read from the registry's roles and signatures: the argument
 * holding the predictions, the family (softmax / sigmoid cross-entropy, NLL), and Keras's
 * from_logits switch.
 */
export interface LossUse {
  site: CallSite;
  /** The predictions argument (input, y_pred, predictions). */
  pred: Node;
  family: 'categorical' | 'sparse' | 'binary' | 'nll';
  /** Whether the loss applies the activation itself (logits in); undefined when a from_logits flag is not a literal. */
  fromLogits: boolean | undefined;
}

const NLL = new Set(['torch.nn.functional.nll_loss', 'torch.nn.NLLLoss']);
const TORCH_BCE = new Set(['torch.nn.functional.binary_cross_entropy', 'torch.nn.BCELoss']);

/** The loss uses of the file (computed on demand; call sites are resolved once per analysis). */
export function lossUses(ctx: RuleContext): LossUse[] {
  const out: LossUse[] = [];
  for (const site of ctx.calls()) {
    if (!site.roles.includes('loss') || site.kind === 'class') continue;
    const q = site.qualname;
    if (NLL.has(q)) {
      const pred = site.args.get('input');
      if (pred) out.push({ site, pred, family: 'nll', fromLogits: false });
    } else if (TORCH_BCE.has(q)) {
      const pred = site.args.get('input');
      if (pred) out.push({ site, pred, family: 'binary', fromLogits: false });
    } else if (site.roles.includes('keras-loss') && /crossentropy/i.test(q)) {
      const pred = site.args.get('y_pred');
      if (!pred) continue;
      const family = /sparse/i.test(q) ? 'sparse' : /binary/i.test(q) ? 'binary' : 'categorical';
      out.push({ site, pred, family, fromLogits: kerasFromLogits(ctx, site) });
    } else if (/log_loss$/.test(q)) {
      const pred = site.args.get('predictions');
      if (pred) out.push({ site, pred, family: 'binary', fromLogits: false });
    }
  }
  return out;
}

function fromLogitsNode(site: CallSite): Node | undefined {
  return site.ctor?.keywords.get('from_logits') ?? site.keywords.get('from_logits') ?? (site.ctor && !/Focal/.test(site.qualname) ? site.ctor.positional[0] : undefined);
}

/** Keras from_logits: false when absent, the literal when given, undefined when not a literal. */
function kerasFromLogits(ctx: RuleContext, site: CallSite): boolean | undefined {
  const n = fromLogitsNode(site);
  if (!n) return false;
  const d = ctx.definition(n);
  return d.type === 'true' ? true : d.type === 'false' ? false : undefined;
}

/** An edit that sets from_logits=True on a Keras loss (its constructor, or the function call's keywords). */
export function fromLogitsTrue(ctx: RuleContext, site: CallSite): TextEdit | undefined {
  const n = fromLogitsNode(site);
  if (n) return n.parent?.type === 'keyword_argument' ? { start: n.startIndex, end: n.endIndex, newText: 'True' } : undefined;
  const call = site.ctor?.node ?? site.node;
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  const empty = ctx.text.slice(args.startIndex + 1, args.endIndex - 1).trim() === '';
  return { start: args.endIndex - 1, end: args.endIndex - 1, newText: empty ? 'from_logits=True' : ', from_logits=True' };
}
