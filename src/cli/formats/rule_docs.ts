import * as fs from 'fs';
import * as path from 'path';

/**
 * A rule's documentation page (docs/rules/NAME.md), found next to the installed package (the
 * bundle runs from dist/, the sources from src/cli/formats/); undefined when it is not shipped.
 */
export function ruleDoc(name: string): { file: string; markdown: string; firstParagraph: string } | undefined {
  for (const up of ['..', '../..', '../../..']) {
    const file = path.resolve(__dirname, up, 'docs', 'rules', `${name}.md`);
    let markdown: string;
    try {
      markdown = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const paragraphs = markdown.split(/\r?\n\s*\r?\n/).map((p) => p.trim());
    const first = paragraphs.find((p) => p && !p.startsWith('#') && !p.startsWith('**Default')) ?? '';
    return { file, markdown, firstParagraph: first.replace(/\s*\r?\n\s*/g, ' ') };
  }
  return undefined;
}

/** The version in the installed package's package.json, if it can be found. */
export function packageVersion(): string | undefined {
  for (const up of ['..', '../..', '../../..']) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'loss-lens') return pkg.version;
    } catch {
      // not here
    }
  }
  return undefined;
}
