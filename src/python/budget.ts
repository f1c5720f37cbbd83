/**
 * Checks on raw source text before it reaches the parser: binary content, size, and giant
 * numeric literals (tree-sitter needs about 2 s for a 1,000,000-element list, so such a literal
 * is caught here by a linear scan for long runs of number characters and reported by line).
 */
export interface SourceLimits {
  /** Largest file analysed, in UTF-16 code units (~bytes for ASCII). */
  maxChars: number;
  /** Largest array literal evaluated, in elements. */
  maxElements: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = { maxChars: 2_000_000, maxElements: 100_000 };

export function checkSource(text: string, limits: SourceLimits = DEFAULT_SOURCE_LIMITS): string | null {
  const probe = text.slice(0, 8192);
  if (probe.includes('\u0000')) return 'the file looks binary (it contains NUL bytes); Loss Lens analyses Python source';
  if (probe.includes('\uFFFD') && (probe.match(/\uFFFD/g)?.length ?? 0) > 8) return 'the file is not valid UTF-8 text; Loss Lens analyses Python source';
  const big = largestNumericRun(text);
  if (big && big.elements > limits.maxElements) {
    return `line ${big.line}: an array literal of about ${big.elements.toLocaleString('en-US')} elements exceeds the evaluation limit of ${limits.maxElements.toLocaleString('en-US')} elements; the file was not analysed`;
  }
  if (text.length > limits.maxChars) {
    return `the file is ${(text.length / 1e6).toFixed(1)} MB; Loss Lens analyses files up to ${(limits.maxChars / 1e6).toFixed(1)} MB`;
  }
  return null;
}

/** The longest stretch of text made only of number characters, separators and brackets. */
function largestNumericRun(text: string): { line: number; elements: number } | null {
  let best: { start: number; commas: number } | null = null;
  let start = -1;
  let commas = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    // digits . , + - e E space tab newline [ ]
    const numeric = (c >= 48 && c <= 57) || c === 46 || c === 44 || c === 43 || c === 45 || c === 101 || c === 69 || c === 32 || c === 9 || c === 10 || c === 13 || c === 91 || c === 93;
    if (numeric) {
      if (start < 0) {
        start = i;
        commas = 0;
      }
      if (c === 44) commas++;
    } else if (start >= 0) {
      if (!best || commas > best.commas) best = { start, commas };
      start = -1;
    }
  }
  if (!best || best.commas < 1000) return null;
  let line = 1;
  for (let i = 0; i < best.start; i++) if (text.charCodeAt(i) === 10) line++;
  // Skip leading whitespace/newlines to report the literal's own line.
  for (let i = best.start; i < text.length && /\s/.test(text[i]); i++) if (text[i] === '\n') line++;
  return { line, elements: best.commas + 1 };
}
