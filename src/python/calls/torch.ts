import * as E from '../../core/elementwise';
import { ValueError } from '../../core/errors';
import { matmul, oneHot } from '../../core/linalg';
import { argmax, logSumExp, reduceMean, reduceSum } from '../../core/reduce';
import { logSoftmax, softmax } from '../../core/softmax';
import { Tensor } from '../../core/tensor';
import { EvalError, Value } from '../values';
import { Args } from './args';
import { CallSpec, ClassSpec, defineClasses, defineFunctions } from './registry';

/** PyTorch tensors and activations (torch.*, torch.nn.functional as F, torch.nn modules). */
const pt = (t: Tensor): Value => ({ kind: 'tensor', tensor: t, framework: 'torch' });
const names = (...n: string[]) => n.map((x) => `torch.${x}`);

/** softmax/log_softmax: torch requires dim (the implicit-dim form is deprecated and warns). */
function softmaxLike(n: string[], f: typeof softmax, role: string): CallSpec {
  return {
    names: names(...n), framework: 'torch', params: ['input', 'dim', '_stacklevel', 'dtype'], roles: [role],
    handler: (a) => {
      if (!a.has('dim')) throw new EvalError(`${a.cx.qualname}() without dim= uses a deprecated implicit dimension; pass dim=`, true);
      return pt(f(a.tensor('input', a.dtype('dtype')), a.int('dim')));
    },
  };
}

function unary(n: string[], f: (t: Tensor) => Tensor, roles?: string[]): CallSpec {
  return { names: names(...n), framework: 'torch', params: ['input'], ignore: ['out'], roles, handler: (a) => pt(f(a.tensor('input'))) };
}

function reduction(n: string[], f: typeof reduceSum, roles?: string[]): CallSpec {
  return {
    names: names(...n), framework: 'torch', params: ['input', 'dim', 'keepdim', 'dtype'], roles,
    handler: (a) => pt(f(a.tensor('input', a.dtype('dtype')), { axis: a.axes('dim') ?? null, keepdims: a.bool('keepdim', false) })),
  };
}

defineFunctions([
  {
    names: names('tensor', 'as_tensor', 'Tensor', 'FloatTensor', 'from_numpy'), framework: 'torch', params: ['data', 'dtype'], ignore: ['device', 'requires_grad', 'pin_memory'], roles: ['constructor'],
    handler: (a) => {
      const t = a.tensor('data', a.dtype('dtype'));
      return pt(a.cx.qualname.endsWith('FloatTensor') || a.cx.qualname.endsWith('.Tensor') ? t.cast('float32') : t);
    },
  },
  { ...unary([], (t) => t), names: names('LongTensor'), handler: (a: Args) => pt(a.tensor('input', 'int64')) },
  softmaxLike(['softmax', 'nn.functional.softmax', 'special.softmax'], softmax, 'softmax'),
  softmaxLike(['log_softmax', 'nn.functional.log_softmax', 'special.log_softmax'], logSoftmax, 'log_softmax'),
  unary(['sigmoid', 'nn.functional.sigmoid', 'special.expit'], E.sigmoid, ['sigmoid']),
  unary(['nn.functional.logsigmoid'], E.logSigmoid, ['log_sigmoid']),
  unary(['nn.functional.softplus'], E.softplus),
  unary(['log'], E.log, ['log']),
  unary(['log1p'], E.log1p, ['log']),
  unary(['exp'], E.exp),
  unary(['abs'], E.abs),
  unary(['neg', 'negative'], E.neg),
  reduction(['sum'], reduceSum, ['sum']),
  reduction(['mean'], reduceMean, ['mean']),
  reduction(['logsumexp'], logSumExp, ['logsumexp']),
  {
    names: names('argmax'), framework: 'torch', params: ['input', 'dim', 'keepdim'], roles: ['argmax'],
    handler: (a) => {
      const t = a.tensor('input');
      return pt(a.has('dim') ? argmax(t, a.int('dim')) : argmax(t.reshape([t.size]), 0));
    },
  },
  {
    names: names('clamp', 'clip'), framework: 'torch', params: ['input', 'min', 'max'], roles: ['clip'],
    handler: (a) => pt(E.clipByValue(a.tensor('input'), a.number('min', -Infinity), a.number('max', Infinity))),
  },
  { names: names('matmul', 'mm'), framework: 'torch', params: ['input', 'other'], handler: (a) => pt(matmul(a.tensor('input'), a.tensor('other'))) },
  {
    names: names('nn.functional.one_hot'), framework: 'torch', params: ['tensor', 'num_classes'], roles: ['one_hot'],
    handler: (a) => {
      const idx = a.tensor('tensor');
      if (idx.dtype !== 'int64') throw new ValueError(`one_hot is only applicable to index tensor (int64), got ${idx.dtype}`);
      let depth = a.int('num_classes', -1);
      // A loop, not Math.max(...data): spreading a large tensor into arguments overflows the stack.
      if (depth === -1) {
        let max = -1;
        for (let i = 0; i < idx.size; i++) max = Math.max(max, idx.data[i]);
        depth = max + 1;
      }
      return pt(oneHot(idx, depth, { dtype: 'int64', strict: true }));
    },
  },
]);

/** nn.Softmax(dim=1)(x), nn.LogSoftmax(dim=1)(x), nn.Sigmoid()(x). */
const moduleActivation = (n: string, f: (t: Tensor, a: Args) => Tensor, role: string): ClassSpec => ({
  names: [`torch.nn.${n}`, `torch.nn.modules.activation.${n}`], framework: 'torch', params: ['dim'], roles: [role], call: { params: ['input'] },
  handler: (init, a) => pt(f(a.tensor('input'), init)),
});

defineClasses([
  moduleActivation('Softmax', (t, init) => softmax(t, needDim(init)), 'softmax'),
  moduleActivation('LogSoftmax', (t, init) => logSoftmax(t, needDim(init)), 'log_softmax'),
  moduleActivation('Sigmoid', (t) => E.sigmoid(t), 'sigmoid'),
]);

function needDim(init: Args): number {
  if (!init.has('dim')) throw new EvalError('nn.Softmax() without dim= uses a deprecated implicit dimension; pass dim=', true);
  return init.int('dim');
}
