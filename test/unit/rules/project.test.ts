import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Project } from '../../../src/analysis/project';
import { checkFile, createProject, projectKey } from '../../../src/cli/check';
import { LineIndex } from '../../../src/python/lines';
import { ipynbCodeCells, joinCells } from '../../../src/python/notebook';
import { Finding, runRules } from '../../../src/rules';
import { applyEdits, getParser } from '../../helpers/parser';

const ROOT = path.join(__dirname, '../../fixtures/project').split(path.sep).join('/');
/** The codes of the rules that read the project-wide analysis. */
const CODES = new Set(['LL101', 'LL102', 'LL109', 'LL110', 'LL111', 'LL112']);

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    return e.isDirectory() ? listFiles(p) : /\.(py|ipynb)$/.test(e.name) ? [p] : [];
  });
}

async function fixtureProject(): Promise<Project> {
  return new Project({ parser: await getParser(), read: (p) => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined), roots: [ROOT], files: listFiles(ROOT) });
}

function findingsOf(project: Project, file: string): Finding[] {
  const f = project.file(file);
  assert.ok(f, file);
  return runRules(f.analysis, { project, path: file, explain: false });
}

/** `# expect: LL101` comments: "file:line CODE" for every line that must have that finding. */
function expectations(project: Project, file: string): string[] {
  const text = project.file(file)!.text;
  const out: string[] = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/# expect: (LL\d+)/g)) out.push(`${rel(file)}:${i + 1} ${m[1]}`);
  });
  return out;
}

/** The line in the joined notebook text of a 1-based line in a 1-based cell. */
function joinedLine(file: string, cell: number, line: number): number {
  const nb = ipynbCodeCells(fs.readFileSync(file, 'utf8'));
  assert.ok(!('error' in nb));
  const j = joinCells(nb.cells);
  return j.text.slice(0, j.starts[cell - 1]).split('\n').length - 1 + line;
}

function rel(file: string): string {
  return file.slice(ROOT.length + 1);
}

describe('rules over a project (test/fixtures/project): one case per pattern, near misses silent', () => {
  it('every `# expect:` line has its finding and nothing else fires (helpers, classes, packages, Keras models, a notebook, an import cycle)', async () => {
    const project = await fixtureProject();
    const expected: string[] = [];
    const actual: string[] = [];
    for (const file of listFiles(ROOT)) {
      expected.push(...expectations(project, file));
      const lines = new LineIndex(project.file(file)!.text);
      for (const f of findingsOf(project, file)) if (CODES.has(f.code)) actual.push(`${rel(file)}:${lines.position(f.start).line} ${f.code}`);
    }
    assert.deepEqual(actual.sort(), expected.sort());
    assert.ok(expected.length >= 15, `${expected.length} cases`);
    project.dispose();
  });

  it('losslens check over the folder finds the same (the prefilter, notebooks located by cell)', async () => {
    const parser = await getParser();
    const project = createProject(parser, [ROOT]);
    const expected: string[] = [];
    const actual: string[] = [];
    for (const file of listFiles(ROOT)) {
      expected.push(...expectations(project, file));
      for (const f of checkFile(parser, file, { project, path: projectKey(file) }).findings) {
        if (!CODES.has(f.code)) continue;
        // Notebook findings are located by cell; the expectations count lines of the joined cells.
        const line = f.cell ? joinedLine(file, f.cell, f.line) : f.line;
        actual.push(`${rel(file)}:${line} ${f.code}`);
      }
    }
    assert.deepEqual(actual.sort(), expected.sort());
    project.dispose();
  });

  it('a finding points along its provenance into the other file', async () => {
    const project = await fixtureProject();
    const file = `${ROOT}/train_torch.py`;
    const f = findingsOf(project, file).find((x) => x.code === 'LL109' && project.file(file)!.text.slice(x.start, x.end) === 'out')!;
    assert.ok(f, 'nll_loss(out, y)');
    assert.match(f.message, /softmax probabilities from F\.softmax\(self\.fc2\(h\), dim=1\) \(nets\.py line 16\)/);
    const inNets = f.related.filter((r) => r.file === `${ROOT}/models/nets.py`);
    assert.ok(inNets.length >= 1);
    assert.equal(inNets[0].line, 16);
    const nets = project.file(`${ROOT}/models/nets.py`)!.text;
    assert.equal(nets.slice(inNets[0].start, inNets[0].end), 'F.softmax(self.fc2(h), dim=1)');
    assert.deepEqual(f.fixes, [], 'no edit in another file');
    project.dispose();
  });

  it('fixes: from_logits on a compiled loss, with_logits for BCE, log_softmax for NLL; applying them silences the rule', async () => {
    const parser = await getParser();
    const files: Record<string, string> = {
      '/q/m.py': 'import tensorflow as tf\nfrom tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(3)])\nm.compile(loss="categorical_crossentropy")\n',
      '/q/t.py': 'import torch\nimport torch.nn.functional as F\nfc = torch.nn.Linear(4, 1)\nloss = F.binary_cross_entropy(fc(x), t)\nl2 = F.nll_loss(F.softmax(fc(x), dim=1), y)\n',
    };
    const run = (p: string, text: string) => {
      const project = new Project({ parser, read: (q) => (q === p ? text : files[q]) });
      return { text, found: findingsOf(project, p).filter((f) => CODES.has(f.code)) };
    };
    for (const [p, text] of Object.entries(files)) {
      const { found } = run(p, text);
      assert.ok(found.length >= 1, p);
      for (const f of found) {
        const fix = f.fixes[0];
        assert.ok(fix, `${f.code} has a fix`);
        assert.equal(fix.applicability, 'safe', f.code);
        const fixed = applyEdits(text, fix.edits);
        assert.equal(run(p, fixed).found.filter((g) => g.code === f.code).length, 0, fixed);
      }
    }
    assert.match(applyEdits(files['/q/m.py'], run('/q/m.py', files['/q/m.py']).found[0].fixes[0].edits), /loss=tf\.keras\.losses\.CategoricalCrossentropy\(from_logits=True\)/);
  });
});
