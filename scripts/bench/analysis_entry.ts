/**
 * Analysis benchmark entry (bundled and run by scripts/bench.mjs):
 *  (a) `losslens check` over a folder of real Python files next to parsing the same files alone;
 *  (b) the full analysis of one generated 10,000-line ML file next to its parse alone;
 *  (c) hover latency on a generated 5,000-line file (analysis cached per version, as in the editor).
 * argv: <folder> <runs>. Prints one JSON object.
 */
import { readFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { nodeParserAssets } from '../../src/cli/assets';
import { checkFile } from '../../src/cli/check';
import { collectFiles } from '../../src/cli/walk';
import { FileAnalysis } from '../../src/python/analyze';
import { explainAt } from '../../src/explain/explain';
import { editTree } from '../../src/python/incremental';
import { PythonParser } from '../../src/python/parser';
import { runRules } from '../../src/rules';

const [folder, runsS] = process.argv.slice(2);
const runs = Number(runsS) || 3;

/** A block of typical training-script code; `{i}` makes names unique per copy. */
const BLOCK = `
import torch
import torch.nn as nn
import torch.nn.functional as F
import tensorflow as tf
import numpy as np

logits_{i} = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
target_{i} = torch.tensor([0, 2])
probs_{i} = F.softmax(logits_{i}, dim=1)
loss_{i} = F.cross_entropy(logits_{i}, target_{i})
double_{i} = F.cross_entropy(F.softmax(logits_{i}, dim=1), target_{i})
crit_{i} = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))
weighted_{i} = crit_{i}(logits_{i}, target_{i})
y_true_{i} = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
y_pred_{i} = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
tf_loss_{i} = tf.nn.softmax_cross_entropy_with_logits(labels=y_true_{i}, logits=y_pred_{i})
manual_{i} = -tf.reduce_sum(y_true_{i} * tf.math.log(tf.nn.softmax(y_pred_{i})), axis=1)

def train_step_{i}(model, x, y, optimizer):
    optimizer.zero_grad()
    out = model(x)
    loss = F.cross_entropy(out, y)
    loss.backward()
    optimizer.step()
    return loss.item()
`;

function generate(lines: number): string {
  const per = BLOCK.split('\n').length - 1;
  let s = '';
  for (let i = 0; s.split('\n').length < lines; i++) s += BLOCK.replace(/\{i\}/g, String(i));
  return s.split('\n').slice(0, lines).join('\n') + '\n';
  void per;
}

function best(f: () => void): number {
  let b = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

(async () => {
  const parser = await PythonParser.create(nodeParserAssets());
  // (a) check over a folder vs parse alone
  const files = collectFiles([folder], () => undefined).filter((f) => f.endsWith('.py'));
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const parseAll = () => {
    for (const t of texts) parser.parse(t).delete();
  };
  let findings = 0;
  const checkAll = () => {
    findings = 0;
    for (const f of files) findings += checkFile(parser, f).findings.length;
  };
  parseAll();
  checkAll();
  const parseMs = best(parseAll);
  const checkMs = best(checkAll);

  // (b) one 10,000-line file: parse alone vs parse + scopes + rules (the editor's diagnostics)
  // and vs parse + evaluating every statement (losslens eval)
  const big = generate(10_000);
  const bigParse = best(() => parser.parse(big).delete());
  const bigRules = best(() => {
    const tree = parser.parse(big);
    runRules(new FileAnalysis(tree, big), { explain: false }); // as the editor's diagnostics run
    tree.delete();
  });
  const bigEval = best(() => {
    const tree = parser.parse(big);
    new FileAnalysis(tree, big).evaluateAll();
    tree.delete();
  });

  // (b') 10,000 lines of real code: the corpus' files concatenated in order
  const realLines: string[] = [];
  for (const t of texts) {
    if (realLines.length >= 10_000) break;
    realLines.push(...t.split('\n'));
  }
  const real = realLines.slice(0, 10_000).join('\n') + '\n';
  const realParse = best(() => parser.parse(real).delete());
  const realRules = best(() => {
    const tree = parser.parse(real);
    runRules(new FileAnalysis(tree, real), { explain: false });
    tree.delete();
  });

  // (d) syntax-error recovery: the same 10,000-line file with an unclosed list on line 3 (which
  // swallows the rest of the file), and with one every 500 lines; parse without recovery, with it,
  // with it + rules; a keystroke's incremental re-parse of the broken file
  const brokenLines = big.split('\n');
  const broken = [...brokenLines.slice(0, 2), 'x = [1, 2', ...brokenLines.slice(2)].join('\n');
  const broken20 = brokenLines.flatMap((l, i) => (i % 500 === 2 ? ['x = [1, 2', l] : [l])).join('\n');
  const bareTree = parser.parse(broken, { recover: false });
  const findingsBare = runRules(new FileAnalysis(bareTree, broken), { explain: false }).length;
  bareTree.delete();
  const recParse = best(() => parser.parse(broken, { recover: false }).delete());
  const recRecover = best(() => parser.parse(broken).delete());
  let findingsRecovered = 0;
  const recRules = best(() => {
    const t = parser.parse(broken);
    findingsRecovered = runRules(new FileAnalysis(t, broken), { explain: false }).length;
    t.delete();
  });
  const rec20Parse = best(() => parser.parse(broken20, { recover: false }).delete());
  const rec20Recover = best(() => parser.parse(broken20).delete());
  const recTree = parser.parse(broken);
  const keyLat: number[] = [];
  const at = broken.indexOf('\n', broken.length >> 1) + 1;
  const row = broken.slice(0, at).split('\n').length - 1;
  for (let k = 0; k < 20; k++) {
    const t0 = performance.now();
    const edited = recTree.copy();
    editTree(edited, { offset: at, length: 0, text: '#', start: { line: row, character: 0 }, end: { line: row, character: 0 } });
    parser.parse(`${broken.slice(0, at)}#${broken.slice(at)}`, { oldTree: edited }).delete();
    edited.delete();
    keyLat.push(performance.now() - t0);
  }
  recTree.delete();
  keyLat.sort((x, y) => x - y);

  // (c) hover latency on a 5,000-line file: positions on every loss/softmax call, analysis cached
  const mid = generate(5_000);
  const tree = parser.parse(mid);
  const analysis = new FileAnalysis(tree, mid);
  const findingsMid = runRules(analysis, { explain: false });
  const positions: number[] = [];
  for (const m of mid.matchAll(/F\.cross_entropy|F\.softmax|tf\.nn\.softmax_cross_entropy_with_logits|crit_\d+\(/g)) positions.push(m.index! + 2);
  const lat: number[] = [];
  for (const p of positions.slice(0, 400)) {
    const t0 = performance.now();
    analysis.evaluator.setBudget(Date.now() + 40);
    findingsMid.filter((f) => f.start <= p && p <= f.end);
    try {
      explainAt(analysis, p);
    } catch {
      // over budget counts as the time it took
    }
    analysis.evaluator.setBudget(undefined);
    lat.push(performance.now() - t0);
  }
  // (c') a hover right after a keystroke: incremental re-parse + scopes + explain (no rules)
  const lat2: number[] = [];
  const lines = mid.split('\n');
  for (let k = 0; k < 60; k++) {
    const line = 20 + ((k * 997) % (lines.length - 40));
    const offset = lines.slice(0, line).join('\n').length + 1;
    const t0 = performance.now();
    const edited = tree.copy();
    editTree(edited, { offset, length: 0, text: '#', start: { line, character: 0 }, end: { line, character: 0 } });
    const text2 = mid.slice(0, offset) + '#' + mid.slice(offset);
    const t2 = parser.parse(text2, { oldTree: edited });
    const a2 = new FileAnalysis(t2, text2);
    const p = positions[k % positions.length] + (positions[k % positions.length] > offset ? 1 : 0);
    a2.evaluator.setBudget(Date.now() + 40);
    try {
      explainAt(a2, p);
    } catch {
      // over budget counts as the time it took
    }
    lat2.push(performance.now() - t0);
    edited.delete();
    t2.delete();
  }
  lat2.sort((x, y) => x - y);
  tree.delete();
  lat.sort((x, y) => x - y);
  const pct = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))];
  process.stdout.write(
    `${JSON.stringify({
      folder, files: files.length, bytes, parseMs, checkMs, findings,
      bigLines: big.split('\n').length - 1, bigParse, bigRules, bigEval, realParse, realRules,
      hoverSamples: lat.length, hoverP50: pct(0.5), hoverP95: pct(0.95), hoverMax: lat[lat.length - 1],
      editHoverP50: lat2[Math.floor(0.5 * lat2.length)], editHoverP95: lat2[Math.floor(0.95 * lat2.length)],
      recParse, recRecover, recRules, findingsBare, findingsRecovered, rec20Parse, rec20Recover, recKeyP50: keyLat[10],
    })}\n`,
  );
})();
