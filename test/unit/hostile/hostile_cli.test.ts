import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Hostile and unlucky inputs (issue 7): each runs through the CLI in a child process of its own
 * (run_cli.js loads dist/cli.js and reports exit code, output, time and peak memory), and must
 * end with a value or a one-line reason, within its time budget and 512 MiB, never a crash.
 *
 * Time: the CLI's budget is one second of wall-clock time for parse + evaluation (two for
 * `check`). The run's CPU time must stay within the budget plus start-up (the parser's wasm);
 * its wall-clock time gets headroom for a machine shared by many processes, but a runaway
 * (these inputs took 4 to 35 s, or never ended, before the limits) still fails.
 */
const RUNNER = path.join(__dirname, 'run_cli.js');
const MAX_RSS_MIB = 512;
const MAX_CPU_MS = { eval: 3000, check: 4000 }; // budget 1 s + Node start-up + wasm load, with headroom for a shared 2-core machine
const MAX_WALL_MS = { eval: 6000, check: 8000 };

interface Run {
  code: number;
  out: string;
  outLength: number;
  err: string;
  wallMs: number;
  cpuMs: number;
  maxRssKiB: number;
}

const measured: { name: string; run: Run; mode: string }[] = [];
let dir: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-hostile-'));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  // The numbers for the record (issue 7 asks for time and peak memory per input).
  const rows = measured.map((m) => `  ${m.name.padEnd(44)} ${m.mode.padEnd(11)} exit ${m.run.code}  wall ${m.run.wallMs.toFixed(0).padStart(5)} ms  cpu ${m.run.cpuMs.toFixed(0).padStart(5)} ms  peak ${(m.run.maxRssKiB / 1024).toFixed(0).padStart(4)} MiB`);
  if (process.env.LOSSLENS_HOSTILE_REPORT) fs.writeFileSync(process.env.LOSSLENS_HOSTILE_REPORT, `${rows.join('\n')}\n`);
});

/** Runs `losslens <mode> FILE [--json]` on `source` in a child process and checks the budgets. */
function run(name: string, source: string, mode: 'eval' | 'eval --json' | 'check' = 'eval'): Run {
  const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.py`);
  fs.writeFileSync(file, source);
  const [cmd, ...flags] = mode.split(' ');
  const child = spawnSync(process.execPath, [RUNNER, cmd, file, ...flags], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(child.error, undefined, `${name}: ${child.error}`);
  assert.equal(child.status, 0, `${name}: the process died (signal ${child.signal}): ${child.stderr.slice(0, 2000)}`);
  const r = JSON.parse(child.stdout) as Run;
  measured.push({ name, run: r, mode });
  const kind = cmd as 'eval' | 'check';
  assert.ok(!r.err.includes('crash:') && r.code !== 70, `${name}: internal error: ${r.err.slice(0, 2000)}`);
  assert.ok(r.maxRssKiB / 1024 < MAX_RSS_MIB, `${name}: peak memory ${(r.maxRssKiB / 1024).toFixed(0)} MiB`);
  assert.ok(r.cpuMs < MAX_CPU_MS[kind], `${name}: ${r.cpuMs.toFixed(0)} ms of CPU time`);
  assert.ok(r.wallMs < MAX_WALL_MS[kind], `${name}: ${r.wallMs.toFixed(0)} ms`);
  return r;
}

/** The human-form result lines of `eval` for the statement at `line`: "file:line:col name ..." and what follows it. */
function resultAt(r: Run, line: number): string {
  const blocks = r.out.split(/\n(?=\S)/);
  const b = blocks.find((x) => new RegExp(`^\\S+:${line}:\\d+ `).test(x));
  assert.ok(b, `no result on line ${line} in:\n${r.out.slice(0, 3000)}`);
  return b;
}

const STOPPED = /not evaluated: evaluation stopped: the time budget ran out/;

/**
 * Asserts the reason given on `line`, unless the one-second budget (wall-clock, so shorter in
 * CPU on a busy machine) ended evaluation at or before it: then that is the one reason given,
 * on the statement where it stopped, and nothing after it was evaluated.
 */
function reasonAt(r: Run, line: number, re: RegExp): void {
  const blocks = r.out.split(/\n(?=\S)/);
  const stop = blocks.find((x) => STOPPED.test(x));
  const stopLine = stop ? Number(/^\S+:(\d+):\d+ /.exec(stop)![1]) : Infinity;
  if (stopLine <= line) {
    assert.ok(!blocks.some((x) => Number(/^\S+:(\d+):/.exec(x)?.[1]) > stopLine), `results after the stop on line ${stopLine}`);
    return;
  }
  assert.match(resultAt(r, line), re);
}

const REFUSED = (shape: string, count: string) => `a result of shape [${shape}] (${count} elements) exceeds the evaluation limit of 1,000,000 elements`;
/** 2^k labels (0, 1, 0, 1, ...) built by list doubling, on k lines. */
const labels = (k: number) => `x = [0, 1]\n${'x = x + x\n'.repeat(k - 1)}`;

describe('hostile inputs through the CLI (issue 7): a reason within budget, never a crash', function () {
  this.timeout(120_000);

  it('x = x + x 28 times on a list, then a call on x (killed the process with "invalid size")', () => {
    const src = `import tensorflow as tf\nx = [0.0, 0.0]\n${'x = x + x\n'.repeat(28)}y = tf.nn.softmax(x)\n`;
    const r = run('list doubling 28 times', src);
    assert.equal(r.code, 0);
    reasonAt(r, 18, /not evaluated: list concatenation: a result of 131,072 items exceeds the evaluation limit of 100,000 elements/);
    reasonAt(r, 31, /not evaluated: x: list concatenation: a result of 131,072 items exceeds/);
    const c = run('list doubling 28 times', src, 'check');
    assert.ok(c.code === 0 || c.code === 1, `check exit ${c.code}: ${c.err}`);
  });

  it('tf.one_hot([1, 2, 3], 10**9), also with --json (16 s, 1.5 GiB, then out of memory)', () => {
    const src = 'import tensorflow as tf\ny = tf.one_hot([1, 2, 3], 10**9)\n';
    assert.match(resultAt(run('one_hot depth 10**9', src), 2), new RegExp(`not evaluated: one_hot: ${esc(REFUSED('3, 1000000000', '3,000,000,000'))}`));
    const j = JSON.parse(run('one_hot depth 10**9', src, 'eval --json').out) as { results: { error: string; value: unknown }[] };
    assert.equal(j.results[0].error, `one_hot: ${REFUSED('3, 1000000000', '3,000,000,000')}`);
    assert.equal(j.results[0].value, null);
  });

  it('tf.constant(1.0, shape=[30000, 30000]) (4 s, 3.5 GiB)', () => {
    const r = run('tf.constant shape 30000x30000', 'import tensorflow as tf\ny = tf.constant(1.0, shape=[30000, 30000])\n');
    reasonAt(r, 2, new RegExp(`not evaluated: tf.constant: ${esc(REFUSED('30000, 30000', '900,000,000'))}`));
  });

  it('a + a.T of a 20,000-wide one-hot (3 GiB)', () => {
    const r = run('a + a.T, 20000-wide one-hot', 'import tensorflow as tf\na = tf.one_hot([1], 20000)\nb = a + a.T\n');
    assert.deepEqual(/float32\[1, 20000\]/.test(resultAt(r, 2)), true);
    reasonAt(r, 3, new RegExp(`not evaluated: broadcasting \\[1, 20000\\] with \\[20000, 1\\]: ${esc(REFUSED('20000, 20000', '400,000,000'))}`));
  });

  it('m.T @ m of a 1024 x 976 one-hot: 10^9 multiply-adds (a 2000 x 2000 m @ m ran 35 s)', () => {
    const r = run('matmul 976x1024 @ 1024x976', `import tensorflow as tf\n${labels(10)}m = tf.one_hot(x, 976)\nr = m.T @ m\n`);
    const out = resultAt(r, 13);
    // Either the product (labels alternate 0, 1: 512 of each on the diagonal) or the time reason.
    assert.ok(/not evaluated: evaluation stopped: the time budget ran out/.test(out) || /float32\[976, 976\][\s\S]*\[\[512\.\s+0\.\s+0\./.test(out), out);
  });

  it('np.array([tf.one_hot(..., 10**8)]) must not slip past the literal limit (32 s, 4.6 GiB)', () => {
    const r = run('np.array of a one_hot of depth 10**8', 'import numpy as np\nimport tensorflow as tf\ny = np.array([tf.one_hot([1, 2, 3], 10**8)])\n');
    reasonAt(r, 3, new RegExp(`not evaluated: one_hot: ${esc(REFUSED('3, 100000000', '300,000,000'))}`));
  });

  it('300 matmuls: evaluation stops at the time budget (285 were still evaluated after it)', () => {
    let src = `import tensorflow as tf\n${labels(10)}m = tf.one_hot(x, 300)\n`;
    for (let i = 0; i < 300; i++) src += `r${i} = tf.matmul(m, m, transpose_a=True)\n`;
    const r = run('300 matmuls of 300x1024 @ 1024x300', src);
    const done = (r.out.match(/ float32\[300, 300\] /g) ?? []).length;
    const stopped = (r.out.match(/evaluation stopped: the time budget ran out/g) ?? []).length;
    // Each product is ~10^8 multiply-adds; whatever fits in a second is computed, then one line says why the rest is not.
    assert.ok(done + stopped <= 300 && stopped <= 1, `${done} computed, ${stopped} stop lines`);
    assert.ok(done === 300 || stopped === 1, `${done} computed and no reason for the rest`);
  });

  for (const [name, body] of [
    ['x = x + 1, 40,000 times (6 s: quadratic)', 'x = x + 1\n'.repeat(40_000)],
    ['x = x + 1, 100,000 times (never finished)', 'x = x + 1\n'.repeat(100_000)],
    ['x += 1, 100,000 times (out of memory)', 'x += 1\n'.repeat(100_000)],
  ] as const) {
    it(name, () => {
      const n = body.split('\n').length - 1;
      const r = run(name, `import numpy as np\nx = np.array([0.5])\n${body}y = x * 2\n`);
      // The file is large (0.4 to 1 MB): parsing it may take the whole budget on a busy machine.
      if (r.code === 1) assert.match(r.err, /parsing stopped: time budget exceeded/);
      else {
        assert.equal(r.code, 0);
        // Either the whole chain is evaluated, or (on a busy machine) one line says the budget ran out.
        if (!/evaluation stopped: the time budget ran out/.test(r.out)) {
          const last = resultAt(r, n + 3);
          assert.ok(last.includes(`[${2 * n + 1}.]`), last);
        }
      }
    });
  }

  it('1,000 reassignments of one name (a stack overflow in Explain): the exact softmax', () => {
    const r = run('1,000 reassignments of x', `import tensorflow as tf\nx = tf.constant([1.0, 2.0])\n${'x = x + 1\n'.repeat(1000)}y = tf.nn.softmax(x)\n`);
    // softmax([1001, 1002]) = [1/(1+e), e/(1+e)] in float32, printed as TF prints it; on a busy
    // machine the one-second budget may end first (Explain at that line is a unit test).
    reasonAt(r, 1003, /float32\[2\]\s+tf\.nn\.softmax\(x\)\s+\[0\.26894143 0\.7310586 \]/);
  });

  it('variants: shapes past the budget, invalid shapes, broadcasting [N, 1] + [1, N]', () => {
    const src = [
      'import tensorflow as tf, torch',
      'import torch.nn.functional as F',
      labels(14).trimEnd(), // 16384 labels, lines 3-16
      'col = tf.one_hot(x, 1)', // 17: [16384, 1]
      'b = col + tf.one_hot([0], 16384)', // 18: [16384, 1] + [1, 16384]
      'c = F.one_hot(torch.tensor([1, 2, 3]), 10**9)', // 19
      'd = tf.constant(0.5, shape=[2**40])', // 20
      'e = tf.constant(0.5, shape=[-3, 5])', // 21
      'f = tf.one_hot([0, 1], 1000) @ tf.one_hot([0], 2000).T', // 22
      '',
    ].join('\n');
    const r = run('variants: sizes and shapes', src);
    assert.equal(r.code, 0);
    reasonAt(r, 17, /float32\[16384, 1\]/);
    reasonAt(r, 18, new RegExp(`broadcasting \\[16384, 1\\] with \\[1, 16384\\]: ${esc(REFUSED('16384, 16384', '268,435,456'))}`));
    reasonAt(r, 19, new RegExp(`one_hot: ${esc(REFUSED('3, 1000000000', '3,000,000,000'))}`));
    reasonAt(r, 20, new RegExp(`tf.constant: ${esc(REFUSED('1099511627776', '1,099,511,627,776'))}`));
    reasonAt(r, 21, /tf\.constant: invalid shape \[-3, 5\] \(dimensions must be non-negative integers\)/);
    reasonAt(r, 22, /matmul: inner dimensions differ: \[2, 1000\] @ \[2000, 1\]/);
  });

  it('variants: deep and shared lists', () => {
    const src = [
      'import numpy as np, tensorflow as tf, torch, jax.numpy as jnp',
      `deep = [1.0]\n${'deep = [deep]\n'.repeat(40)}s1 = tf.nn.softmax(deep)`, // 2 .. 43
      `shared = [1.0]\n${'shared = [shared, shared]\n'.repeat(25)}s2 = tf.nn.softmax(shared)`, // 44 .. 70
      '',
    ].join('\n');
    const r = run('variants: deep and shared lists', src);
    assert.equal(r.code, 0);
    reasonAt(r, 43, /array literal is nested deeper than 32 levels/);
    reasonAt(r, 70, /array literal has more than 100,000 elements/);
  });

  it('variants: comprehensions and constructors of huge shapes', () => {
    const src = [
      'import numpy as np, tensorflow as tf, torch, jax.numpy as jnp',
      's3 = tf.nn.softmax([[i * j for i in range(10**6)] for j in range(10**6)])', // 2
      'z1 = tf.ones([10**5, 10**5])', // 3
      'z2 = np.zeros((2**40,))', // 4
      'z3 = torch.full((10**5, 10**5), 1.0)', // 5
      'z4 = jnp.tile(jnp.array([1.0, 2.0]), 10**9)', // 6
      'z5 = np.arange(10**12)', // 7
      'z6 = np.linspace(0, 1, 10**12)', // 8
      'z7 = np.ones((2000, 1)) + np.ones((2000, 1)).T', // 9 (small inputs, a 4,000,000-element broadcast)
      'z8 = np.repeat(np.array([1.0]), 10**10)', // 10
      'z9 = np.concatenate([np.ones((10**6,)), np.ones((10**6,))])', // 11
      '',
    ].join('\n');
    const r = run('variants: comprehensions and constructors', src);
    assert.equal(r.code, 0);
    reasonAt(r, 2, /list comprehension is not evaluated/);
    // Constructors Loss Lens may or may not evaluate (yet): not ours, or refused by size; never built.
    for (let line = 3; line <= 11; line++) {
      const b = r.out.split(/\n(?=\S)/).find((x) => new RegExp(`^\\S+:${line}:\\d+ `).test(x));
      if (b) assert.match(b, /exceeds the evaluation limit|is not a function Loss Lens evaluates|not evaluated/, b);
    }
  });

  it('many large values: the memory ledger stops the file with one reason', () => {
    let src = `import tensorflow as tf\n${labels(10)}m = tf.one_hot(x, 976)\n`;
    for (let i = 0; i < 40; i++) src += `s${i} = tf.nn.softmax(m + ${i})\n`;
    const r = run('40 softmaxes of 1024x976', src);
    const stop = r.out.match(/evaluation stopped: (the values computed in this file add up to more than 16,000,000 elements \(the memory budget\)|the time budget ran out)/g) ?? [];
    assert.equal(stop.length, 1, r.out.slice(-2000));
  });

  it('check on the same kinds of files: findings or none, exit 0 or 1, never a crash', () => {
    const src = `import tensorflow as tf\n${labels(10)}m = tf.one_hot(x, 976)\np = tf.nn.softmax(m.T @ m)\nl = tf.nn.softmax_cross_entropy_with_logits(labels=p, logits=p)\nq = tf.one_hot([1, 2, 3], 10**9)\nl2 = tf.nn.softmax_cross_entropy_with_logits(labels=q, logits=tf.nn.softmax(q))\n`;
    const r = run('check: double softmax over huge values', src, 'check');
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
    // The double softmax is found from the code alone, whatever the values cost.
    assert.match(r.out, /:16:\d+: LL101 double-softmax /);
  });
});

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
