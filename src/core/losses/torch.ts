import { DType, FloatDType, allocate, isFloat } from '../dtype';
import { DTypeError, ValueError } from '../errors';
import { Tensor, laneView, normalizeAxis } from '../tensor';
import { LaneStats } from './exact_lanes';
import { scalarTypeName } from './torch_common';
import { cross_entropy, nll_loss } from './torch_ce';
import { binary_cross_entropy, binary_cross_entropy_with_logits, kl_div } from './torch_pointwise';

/**
 * PyTorch semantics of the loss functions Loss Lens evaluates: torch.nn.functional's
 * cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits, kl_div,
 * softmax and log_softmax, and the nn.*Loss classes that wrap them. Options objects use
 * PyTorch's own argument names, so an evaluator can pass Python kwargs straight through
 * (see callTorch). Implementations: torch_ce.ts, torch_pointwise.ts.
 */

export { cross_entropy, nll_loss } from './torch_ce';
export type { CrossEntropyOptions, NllLossOptions } from './torch_ce';
export { binary_cross_entropy, binary_cross_entropy_with_logits, kl_div } from './torch_pointwise';
export type { BCEWithLogitsOptions, BinaryCrossEntropyOptions, KLDivOptions } from './torch_pointwise';
export type { TorchReduction, TorchReductionOptions } from './torch_common';

export interface SoftmaxOptions {
  /** Casts the input to this dtype first (torch's dtype= argument). */
  dtype?: DType | null;
}

/**
 * torch/nn/functional.py _get_softmax_dim: the implicit dim of softmax(x) without dim
 * (deprecated): 0 for 0-, 1- and 3-d inputs, else 1.
 */
export function implicitSoftmaxDim(rank: number): number {
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
}

function softmaxInput(input: Tensor, op: string, opts: SoftmaxOptions): Tensor {
  const x = opts.dtype ? input.cast(opts.dtype) : input;
  if (!isFloat(x.dtype)) throw new DTypeError(`"${op}_lastdim_kernel_impl" not implemented for '${scalarTypeName(x.dtype)}'`);
  return x;
}

function laneApply(x: Tensor, dim: number, fn: (lane: LaneStats, xi: number, i: number) => number): Tensor {
  const dtype = x.dtype as FloatDType;
  const out = allocate(dtype, x.size);
  if (x.size === 0) return new Tensor(dtype, x.shape, out);
  const a = x.rank === 0 ? 0 : normalizeAxis(dim, x.rank, 'dim');
  const { outer, n, inner } = x.rank === 0 ? { outer: 1, n: 1, inner: 1 } : laneView(x.shape, a);
  const lane = new LaneStats();
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const off = o * n * inner + j;
      lane.scan(x.data, off, n, inner);
      for (let i = 0, p = off; i < n; i++, p += inner) out[p] = fn(lane, x.data[p], i);
    }
  }
  return new Tensor(dtype, x.shape, out);
}

/**
 * F.softmax(input, dim=None, dtype=None) = e^(x_i - m) / sum_j e^(x_j - m) along dim, computed
 * in float64 with exact differences (exact_lanes.ts) and rounded once. A lane with NaN, +inf or
 * only -inf is NaN, as in PyTorch. dim=None uses the deprecated implicit dim.
 */
export function softmax(input: Tensor, dim?: number | null, opts: SoftmaxOptions = {}): Tensor {
  const x = softmaxInput(input, 'softmax', opts);
  return laneApply(x, dim ?? implicitSoftmaxDim(x.rank), (lane, xi, i) => lane.prob(xi, i));
}

/** F.log_softmax(input, dim=None, dtype=None) = x_i - m - log1p(t) (both parts <= 0, no cancellation). */
export function log_softmax(input: Tensor, dim?: number | null, opts: SoftmaxOptions = {}): Tensor {
  const x = softmaxInput(input, 'log_softmax', opts);
  return laneApply(x, dim ?? implicitSoftmaxDim(x.rank), (lane, xi, i) => -lane.negLogProb(xi, i));
}


type TorchFn = (a: Tensor, b: Tensor, opts: Record<string, unknown>) => Tensor;

/** A torch.nn.functional loss: its Python positional parameter order, and the function. */
export interface TorchFunctionSpec {
  /** Python parameters in signature order (tensors first). */
  params: readonly string[];
  fn: TorchFn;
}

export const TORCH_FUNCTIONS: Record<string, TorchFunctionSpec> = {
  cross_entropy: {
    params: ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'],
    fn: (a, b, o) => cross_entropy(a, b, o),
  },
  nll_loss: {
    params: ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction'],
    fn: (a, b, o) => nll_loss(a, b, o),
  },
  binary_cross_entropy: {
    params: ['input', 'target', 'weight', 'size_average', 'reduce', 'reduction'],
    fn: (a, b, o) => binary_cross_entropy(a, b, o),
  },
  binary_cross_entropy_with_logits: {
    params: ['input', 'target', 'weight', 'size_average', 'reduce', 'reduction', 'pos_weight'],
    fn: (a, b, o) => binary_cross_entropy_with_logits(a, b, o),
  },
  kl_div: {
    params: ['input', 'target', 'size_average', 'reduce', 'reduction', 'log_target'],
    fn: (a, b, o) => kl_div(a, b, o),
  },
};

/** An nn.*Loss class: its constructor parameters in order, and the functional it calls as forward(input, target). */
export interface TorchLossClassSpec {
  init: readonly string[];
  functional: keyof typeof TORCH_FUNCTIONS;
}

export const TORCH_LOSS_CLASSES: Record<string, TorchLossClassSpec> = {
  CrossEntropyLoss: { init: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'], functional: 'cross_entropy' },
  NLLLoss: { init: ['weight', 'size_average', 'ignore_index', 'reduce', 'reduction'], functional: 'nll_loss' },
  BCELoss: { init: ['weight', 'size_average', 'reduce', 'reduction'], functional: 'binary_cross_entropy' },
  BCEWithLogitsLoss: { init: ['weight', 'size_average', 'reduce', 'reduction', 'pos_weight'], functional: 'binary_cross_entropy_with_logits' },
  KLDivLoss: { init: ['size_average', 'reduce', 'reduction', 'log_target'], functional: 'kl_div' },
};

/** Constructs an nn.*Loss with keyword arguments and returns its forward(input, target). */
export function constructLoss(className: string, init: Record<string, unknown> = {}): (input: Tensor, target: Tensor) => Tensor {
  const spec = TORCH_LOSS_CLASSES[className];
  if (!spec) throw new ValueError(`torch.nn.${className} is not a supported loss class (supported: ${Object.keys(TORCH_LOSS_CLASSES).join(', ')})`);
  for (const k of Object.keys(init)) {
    if (!spec.init.includes(k)) throw new ValueError(`${className}.__init__() got an unexpected keyword argument '${k}'`);
  }
  const fn = TORCH_FUNCTIONS[spec.functional].fn;
  const opts = { ...init };
  return (input, target) => fn(input, target, opts);
}

const stripPrefix = (op: string): string => op.replace(/^torch\.nn\.functional\./, '').replace(/^F\./, '').replace(/^torch\.nn\./, '').replace(/^torch\./, '');

/**
 * Calls a torch op by its public name ('torch.nn.functional.cross_entropy', 'torch.nn.CrossEntropyLoss',
 * 'torch.softmax', ...) with arguments by Python parameter name: `args` positional ones by name,
 * `kwargs` the rest, `init` the constructor keywords of a loss class.
 */
export function callTorch(op: string, args: Record<string, unknown>, kwargs: Record<string, unknown> = {}, init: Record<string, unknown> = {}): Tensor {
  const name = stripPrefix(op);
  const all: Record<string, unknown> = { ...args, ...kwargs };
  if (name === 'softmax' || name === 'log_softmax') {
    const f = name === 'softmax' ? softmax : log_softmax;
    return f(all.input as Tensor, (all.dim ?? null) as number | null, { dtype: (all.dtype ?? null) as DType | null });
  }
  if (TORCH_LOSS_CLASSES[name]) return constructLoss(name, init)(all.input as Tensor, all.target as Tensor);
  const spec = TORCH_FUNCTIONS[name];
  if (!spec) throw new ValueError(`${op} is not a supported torch op`);
  const { input, target, ...rest } = all;
  for (const k of Object.keys(rest)) {
    if (!spec.params.includes(k)) throw new ValueError(`${name}() got an unexpected keyword argument '${k}'`);
  }
  return spec.fn(input as Tensor, target as Tensor, rest);
}
