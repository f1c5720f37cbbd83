import type { Unreadable } from '../python/recover';

/**
 * The one stderr line for a file whose analysis could not read some code (syntax errors): where
 * the first such place is, why, and how many more there are. `where` turns an offset of the
 * analysed text into `line:column` (or `#cellN:line:column` for a notebook).
 */
export function unreadableNote(file: string, regions: readonly Unreadable[], where: (offset: number) => string): string | undefined {
  if (regions.length === 0) return undefined;
  const [first] = regions;
  const more = regions.length - 1;
  const others = more === 0 ? '' : ` and ${more} more place${more === 1 ? '' : 's'}`;
  return `${file}${where(first.start)}: syntax error, code not analysed here (${first.reason})${others}; the rest of the file was analysed`;
}
