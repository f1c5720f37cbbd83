import { DType } from '../core/dtype';
import { Nested, nestedShape } from '../core/tensor';

/**
 * Reads arrays in the form NumPy, TF and PyTorch print them, which users paste into code and
 * comments: `[[ 0.227863  ,  0.61939586]]`, `[[0.1 0.3]\n [0.5 0.9]]` (no commas),
 * `array([[1., 2.]], dtype=float32)`, `tensor([0.4790, 1.1997])`,
 * `tf.Tensor([0.4 1.2], shape=(2,), dtype=float32)`, with nan/inf/-inf.
 * This is NumPy's output format, not Python (so not the Python parser's job): a small tokenizer
 * with a depth and element budget.
 */
export interface ReprArray {
  values: Nested;
  shape: number[];
  /** dtype when the text names one (dtype=float32), else undefined. */
  dtype?: DType;
  /** Offsets of the bracketed part inside the input text. */
  start: number;
  end: number;
}

const DTYPES: Record<string, DType> = {
  float32: 'float32', float64: 'float64', float: 'float64', double: 'float64',
  int32: 'int32', int64: 'int64', bool: 'bool',
};

export class ReprError extends Error {}

/** Parses the first printed array in `text` (from the first '['), or throws ReprError saying why. */
export function parseArrayRepr(text: string, limits = { maxElements: 100_000, maxDepth: 32 }): ReprArray {
  const start = text.indexOf('[');
  if (start < 0) throw new ReprError('no "[" found');
  let i = start;
  let count = 0;
  const skipWs = () => {
    while (i < text.length && /[\s,#]/.test(text[i])) i++;
  };
  const parseNumber = (): number => {
    const m = /^[+-]?(?:nan|inf(?:inity)?|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i.exec(text.slice(i, i + 64));
    if (!m) throw new ReprError(`unexpected "${text.slice(i, i + 12)}" at offset ${i}`);
    i += m[0].length;
    const t = m[0].toLowerCase().replace(/^\+/, '');
    if (t.endsWith('nan')) return NaN;
    if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
    return Number(t);
  };
  const parseList = (depth: number): Nested[] => {
    if (depth > limits.maxDepth) throw new ReprError(`nested deeper than ${limits.maxDepth} levels`);
    i++; // '['
    const out: Nested[] = [];
    for (;;) {
      skipWs();
      if (i >= text.length) throw new ReprError('unclosed "["');
      const c = text[i];
      if (c === ']') {
        i++;
        return out;
      }
      if (c === '[') out.push(parseList(depth + 1));
      else {
        if (++count > limits.maxElements) throw new ReprError(`more than ${limits.maxElements} elements`);
        out.push(parseNumber());
      }
    }
  };
  const values = parseList(1);
  const end = i;
  let shape: number[];
  try {
    shape = nestedShape(values);
  } catch (e) {
    throw new ReprError((e as Error).message);
  }
  const tail = /^[\s,]*(?:shape=\([\d, ]*\)[\s,]*)?dtype=(?:torch\.|tf\.|np\.|numpy\.)?(\w+)/.exec(text.slice(end, end + 80));
  const dtype = tail ? DTYPES[tail[1]] : undefined;
  return { values, shape, dtype, start, end };
}
