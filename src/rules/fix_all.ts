import { JoinedCells, joinCells, locate } from '../python/notebook';
import type { Finding, Fix, TextEdit } from './types';

/**
 * Fix-all, the way Ruff applies fixes: each finding contributes its preferred fix (or its first)
 * when the fix's applicability is allowed (safe only, or unsafe too); fixes are taken in order
 * of position and a fix whose edits overlap an edit already taken waits for the next pass; the
 * text is analysed again and fixed again until nothing changes or `maxPasses` is reached.
 * Pure: the caller supplies the analysis (the CLI, the language server's source.fixAll).
 */
export type FixMode = 'safe' | 'unsafe';

/** The fix a finding contributes under `mode`, if any. */
export function chosenFix(f: Pick<Finding, 'fixes'>, mode: FixMode): Fix | undefined {
  const allowed = (x: Fix) => x.edits.length > 0 && (mode === 'unsafe' || x.applicability === 'safe');
  return f.fixes.find((x) => x.preferred && allowed(x)) ?? f.fixes.find(allowed);
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start < b.end && b.start < a.end) return true;
  // Two insertions at one point, or an insertion at the edge of a replacement: order would be ambiguous.
  return a.start === b.start || (a.start === a.end && a.start === b.end) || (b.start === b.end && b.start === a.end);
}

/**
 * The edits of one pass: fixes in order of their findings' positions (then code), each taken
 * whole or not at all, none overlapping another. Sorted by position.
 */
export function selectEdits(findings: Pick<Finding, 'start' | 'code' | 'fixes'>[], mode: FixMode): { edits: TextEdit[]; fixes: number; deferred: number } {
  const taken: TextEdit[] = [];
  let fixes = 0;
  let deferred = 0;
  const order = [...findings].sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  for (const f of order) {
    const fix = chosenFix(f, mode);
    if (!fix) continue;
    const edits = [...fix.edits].sort((a, b) => a.start - b.start);
    const selfOverlap = edits.some((e, i) => i > 0 && overlaps(edits[i - 1], e));
    if (selfOverlap || edits.some((e) => taken.some((t) => overlaps(t, e)))) {
      deferred++;
      continue;
    }
    taken.push(...edits);
    fixes++;
  }
  return { edits: taken.sort((a, b) => a.start - b.start), fixes, deferred };
}

/** Applies non-overlapping edits (offsets into `text`). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) throw new RangeError(`edit [${e.start}, ${e.end}) overlaps or lies outside the text`);
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

export interface FixAllResult {
  text: string;
  /** Fixes applied over all passes. */
  applied: number;
  passes: number;
  /** True when the last pass still had fixes to apply (the pass limit was reached). */
  unstable: boolean;
}

export const MAX_FIX_PASSES = 10;

/**
 * Fixes `text` until stable: `analyse` returns the findings of a text (the caller's rules and
 * suppressions). Returns the final text; `applied` counts fixes over all passes.
 */
export function fixAll(text: string, analyse: (text: string) => Pick<Finding, 'start' | 'code' | 'fixes'>[], mode: FixMode, maxPasses = MAX_FIX_PASSES): FixAllResult {
  let applied = 0;
  for (let pass = 1; pass <= maxPasses; pass++) {
    const { edits, fixes } = selectEdits(analyse(text), mode);
    if (fixes === 0) return { text, applied, passes: pass - 1, unstable: false };
    const next = applyEdits(text, edits);
    if (next === text) return { text, applied, passes: pass - 1, unstable: false };
    text = next;
    applied += fixes;
  }
  return { text, applied, passes: maxPasses, unstable: selectEdits(analyse(text), mode).fixes > 0 };
}

/**
 * Fix-all for a notebook: the rules see the code cells joined (python/notebook.ts joinCells,
 * so names resolve across cells), and each pass writes its edits back into the cells they fall
 * in. A fix with an edit that crosses a cell boundary is never applied.
 */
export function fixAllCells(cells: string[], analyse: (joined: JoinedCells) => Pick<Finding, 'start' | 'code' | 'fixes'>[], mode: FixMode, maxPasses = MAX_FIX_PASSES): FixAllResult & { cells: string[] } {
  let applied = 0;
  let current = cells.slice();
  for (let pass = 1; pass <= maxPasses; pass++) {
    const joined = joinCells(current);
    const inOneCell = (e: TextEdit) => {
      const a = locate(joined, e.start);
      const b = locate(joined, e.end);
      return a.cell >= 0 && a.cell === b.cell;
    };
    const findings = analyse(joined).map((f) => ({ ...f, fixes: f.fixes.filter((x) => x.edits.every(inOneCell)) }));
    const { edits, fixes } = selectEdits(findings, mode);
    if (fixes === 0) return { text: joined.text, cells: current, applied, passes: pass - 1, unstable: false };
    const perCell = new Map<number, TextEdit[]>();
    for (const e of edits) {
      const a = locate(joined, e.start);
      perCell.set(a.cell, [...(perCell.get(a.cell) ?? []), { start: a.offset, end: a.offset + (e.end - e.start), newText: e.newText }]);
    }
    current = current.map((c, k) => (perCell.has(k) ? applyEdits(c, perCell.get(k)!) : c));
    applied += fixes;
  }
  const joined = joinCells(current);
  return { text: joined.text, cells: current, applied, passes: maxPasses, unstable: selectEdits(analyse(joined), mode).fixes > 0 };
}
