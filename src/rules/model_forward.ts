import type { Node } from '../python/parser';
import { CallSite, RuleContext } from './context';

/** Methods that return the module itself (model.to(device).eval() is still the model). */
const SELF_RETURNING = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'float', 'double', 'half', 'requires_grad_']);

/**
 * When `call` is a call of a model defined in this file (`model(x)` with `model = Net().to(device)`,
 * or `self.model(x)`), and every `return` of the class's forward() hands back the output of one
 * activation (softmax, sigmoid), returns that activation's call site and the return value node.
 * This is the commonest double softmax in PyTorch: a forward() that ends in softmax, trained with
 * nn.CrossEntropyLoss.
 */
export function forwardActivation(ctx: RuleContext, call: Node, role: string): { act: CallSite; returned: Node } | undefined {
  const cls = modelClass(ctx, call);
  if (!cls) return undefined;
  const forward = cls
    .childForFieldName('body')
    ?.namedChildren.map((n) => (n?.type === 'decorated_definition' ? n.childForFieldName('definition') : n))
    .find((n) => n?.type === 'function_definition' && n.childForFieldName('name')?.text === 'forward');
  if (!forward) return undefined;
  const returns = forward.descendantsOfType('return_statement').filter((r): r is Node => !!r && enclosingFunction(r)?.id === forward.id);
  if (returns.length === 0) return undefined;
  let found: { act: CallSite; returned: Node } | undefined;
  for (const r of returns) {
    const value = r.namedChildren.find((c) => c && c.type !== 'comment');
    if (!value) return undefined;
    const def = ctx.definition(value);
    const act = def.type === 'call' ? ctx.site(def) : undefined;
    if (!act || !act.roles.includes(role)) return undefined; // some path returns something else
    found ??= { act, returned: def };
  }
  return found;
}

/** The class_definition of the model a call invokes, following names, self attributes and .to()/.eval(). */
function modelClass(ctx: RuleContext, call: Node): Node | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  let v: Node = fn.type === 'identifier' || fn.type === 'attribute' ? ctx.definition(fn) : fn;
  for (let i = 0; i < 6 && v.type === 'call'; i++) {
    const f = v.childForFieldName('function');
    if (f?.type === 'attribute' && SELF_RETURNING.has(f.childForFieldName('attribute')?.text ?? '')) {
      v = ctx.definition(f.childForFieldName('object')!);
      continue;
    }
    if (f?.type !== 'identifier') return undefined;
    const b = ctx.binding(f);
    return b?.kind === 'class' ? b.stmt : undefined;
  }
  return undefined;
}

function enclosingFunction(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return undefined;
}
