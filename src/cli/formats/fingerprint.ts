import { createHash } from 'crypto';
import type { Located } from '../check';

/**
 * Fingerprints that survive unrelated edits: a hash of the path (as reported), the rule code, the
 * flagged source text with whitespace collapsed, and the occurrence number among findings with
 * the same three in the file, but not the line number. Code-scanning tools (GitHub's
 * partialFingerprints, GitLab's fingerprint) use it to follow an alert across commits.
 */
export function fingerprints(findings: Located[], relPath: (f: Located) => string): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = [relPath(f), f.cell ?? '', f.code, (f.context ?? '').replace(/\s+/g, ' ').trim()].join('\u0000');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\u0000${n}`).digest('hex').slice(0, 32);
  });
}
