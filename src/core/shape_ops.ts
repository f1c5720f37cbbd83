import { allocate } from './dtype';
import { ValueError } from './errors';
import { checkTime } from './limits';
import { Tensor, normalizeAxis } from './tensor';

/** Transposes `x` so that output dimension d is input dimension perm[d] (np.transpose). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.rank;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ValueError(`permutation ${JSON.stringify(perm)} does not fit rank ${rank}`);
  }
  if (perm.every((p, i) => p === i)) return x;
  const inStrides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const out = allocate(x.dtype, x.size);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < x.size; i++) {
    if ((i & 0xfffff) === 0) checkTime();
    out[i] = x.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return new Tensor(x.dtype, shape, out);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** Normalizes a list of axes (None = all), rejecting duplicates as the frameworks do. */
export function normalizeAxes(axes: number | readonly number[] | null | undefined, rank: number): number[] {
  if (axes === null || axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(a, rank));
  if (new Set(out).size !== out.length) throw new ValueError(`duplicate axis in ${JSON.stringify(list)}`);
  return out.sort((a, b) => a - b);
}

