import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, ConfigResolver, parseConfig } from '../../../src/config';
import { RULES } from '../../../src/rules';
import { DOUBLE, run } from '../cli/run';

const TF1 = 'import tensorflow as tf\nloss = tf.log(x)\n';

describe('configuration: parsing (src/config)', () => {
  it('a pyproject.toml without [tool.losslens] is not a configuration', () => {
    assert.equal(parseConfig('[tool.ruff]\nline-length = 100\n', '/p/pyproject.toml', '/p', RULES), undefined);
  });

  it('reads every key, rules by code, prefix or name', () => {
    const c = parseConfig(
      `[project]\nname = "x"\n\n[tool.losslens]\nselect = ["LL1", "ALL"]\nignore = ["log-of-logits", "LL108"]\nexclude = ["gen"]\nextend-exclude = ["*.tmp.py"]\ndefault-framework = "pytorch"\ntf1 = false\n\n[tool.losslens.severity]\ndouble-softmax = "error"\nLL103 = "off"\n\n[tool.losslens.per-file-ignores]\n"tests/**" = ["LL101"]\n`,
      '/p/pyproject.toml',
      '/p',
      RULES,
    );
    assert.deepEqual(c, {
      file: '/p/pyproject.toml',
      root: '/p',
      select: ['LL1', 'ALL'],
      ignore: ['log-of-logits', 'LL108'],
      exclude: ['gen'],
      extendExclude: ['*.tmp.py'],
      defaultFramework: 'pytorch',
      tf1: false,
      severity: { 'double-softmax': 'error', 'manual-cross-entropy': 'off' },
      perFileIgnores: [{ glob: 'tests/**', names: ['LL101'] }],
    });
    // losslens.toml: the same keys at the top level
    assert.deepEqual(parseConfig('ignore = ["LL105"]\n', '/p/losslens.toml', '/p', RULES), { file: '/p/losslens.toml', root: '/p', ignore: ['LL105'] });
  });

  const errorCases: [string, string, number, RegExp][] = [
    ['invalid TOML', '[tool.losslens]\nselect = ["LL101"\n', 3, /invalid TOML/],
    ['an unknown key', '[tool.losslens]\nselect = ["LL101"]\n\nlinelength = 3\n', 4, /unknown option tool\.losslens\.linelength/],
    ['an unknown rule', '[tool.losslens]\nignore = ["LL999"]\n', 2, /tool\.losslens\.ignore: unknown rule 'LL999'/],
    ['a wrong type', '[tool.losslens]\ntf1 = "no"\n', 2, /tf1 must be true or false/],
    ['a bad severity', '[tool.losslens]\n[tool.losslens.severity]\n\ndouble-softmax = "loud"\n', 4, /severity\.double-softmax must be one of error, warning, information, hint, off/],
    ['a bad per-file-ignores value', '[tool.losslens.per-file-ignores]\n"a.py" = "LL101"\n', 2, /per-file-ignores\.a\.py must be a list of strings/],
    ['a bad framework', '[tool.losslens]\n\ndefault-framework = "theano"\n', 3, /default-framework must be one of auto, tensorflow/],
  ];
  for (const [what, text, line, reason] of errorCases) {
    it(`${what}: ConfigError with its line`, () => {
      assert.throws(
        () => parseConfig(text, 'pyproject.toml', '/p', RULES),
        (e: unknown) => e instanceof ConfigError && e.line === line && reason.test(e.reason) && e.message.startsWith(`pyproject.toml:${line}: `),
      );
    });
  }
});

describe('configuration: search, precedence and its effect on check', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-config-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, content: string) => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
    return p;
  };
  const host = { readFile: (f: string) => (fs.existsSync(f) && fs.statSync(f).isFile() ? fs.readFileSync(f, 'utf8') : undefined) };

  it('the nearest configuration wins; losslens.toml before pyproject.toml; a pyproject.toml without the table is passed over', () => {
    write('repo/pyproject.toml', '[tool.losslens]\nignore = ["LL108"]\n');
    write('repo/sub/pyproject.toml', '[tool.black]\n');
    write('repo/other/pyproject.toml', '[tool.losslens]\nignore = ["LL101"]\n');
    write('repo/other/losslens.toml', 'ignore = ["LL102"]\n');
    const r = new ConfigResolver(host, RULES);
    assert.equal(r.configFor(path.join(dir, 'repo', 'sub'))?.file, path.join(dir, 'repo', 'pyproject.toml'));
    assert.equal(r.configFor(path.join(dir, 'repo', 'other'))?.file, path.join(dir, 'repo', 'other', 'losslens.toml'));
    const s = r.settingsFor(path.join(dir, 'repo', 'sub', 'x.py')).severity;
    assert.equal(s['deprecated-tf1-api'], 'off');
    assert.equal(s['double-softmax'], 'warning');
    const o = r.settingsFor(path.join(dir, 'repo', 'other', 'x.py')).severity;
    assert.equal(o['double-sigmoid'], 'off');
    assert.equal(o['double-softmax'], 'warning');
  });

  it('command-line --select overrides, --ignore adds, --isolated and --config replace the search', () => {
    write('prec/pyproject.toml', '[tool.losslens]\nselect = ["LL101"]\ndefault-framework = "jax"\n\n[tool.losslens.severity]\nLL101 = "error"\n');
    const file = path.join(dir, 'prec', 'x.py');
    const on = (r: ConfigResolver) => RULES.filter((x) => r.settingsFor(file).severity[x.name] !== 'off').map((x) => x.code);
    assert.deepEqual(on(new ConfigResolver(host, RULES)), ['LL101']);
    assert.equal(new ConfigResolver(host, RULES).settingsFor(file).severity['double-softmax'], 'error');
    assert.equal(new ConfigResolver(host, RULES).settingsFor(file).defaultFramework, 'jax');
    assert.deepEqual(on(new ConfigResolver(host, RULES, { select: ['LL10'] })), RULES.map((x) => x.code).filter((c) => c.startsWith('LL10')));
    assert.deepEqual(on(new ConfigResolver(host, RULES, { select: ['ALL'], extendIgnore: ['LL1'] })), []);
    assert.deepEqual(on(new ConfigResolver(host, RULES, { isolated: true })).length, RULES.length);
    const alt = write('alt.toml', 'ignore = ["double-softmax"]\n');
    assert.deepEqual(on(new ConfigResolver(host, RULES, { configFile: alt })), RULES.map((x) => x.code).filter((c) => c !== 'LL101'));
  });

  it('check applies per-file-ignores, exclude, extend-exclude (also to files named on the command line), tf1 and severity', async () => {
    write('proj/pyproject.toml', '[tool.losslens]\nextend-exclude = ["generated", "*_pb2.py"]\ntf1 = false\n\n[tool.losslens.severity]\ndouble-softmax = "error"\n\n[tool.losslens.per-file-ignores]\n"tests/**" = ["double-softmax"]\n');
    write('proj/src/model.py', DOUBLE + TF1);
    write('proj/tests/test_model.py', DOUBLE);
    write('proj/generated/out.py', DOUBLE);
    write('proj/src/x_pb2.py', DOUBLE);
    write('proj/build/lib.py', DOUBLE);
    const r = await run(['check', '--format', 'json', path.join(dir, 'proj')]);
    const found = JSON.parse(r.out).findings as { file: string; code: string; severity: string }[];
    assert.deepEqual(
      found.map((f) => [path.relative(path.join(dir, 'proj'), f.file), f.code, f.severity]),
      [['src/model.py', 'LL101', 'error']],
    );
    const explicit = await run(['check', path.join(dir, 'proj', 'generated', 'out.py'), path.join(dir, 'proj', 'src', 'x_pb2.py')]);
    assert.equal(explicit.code, 0);
    assert.equal(explicit.out, '');
    const isolated = await run(['check', '--isolated', '--format', 'json', path.join(dir, 'proj')]);
    assert.equal(JSON.parse(isolated.out).findings.length, 5, 'without configuration: 4 double softmaxes (build/ stays excluded by default) and tf.log');
  });

  it('exclude replaces the default excludes; extend-exclude adds to them', async () => {
    write('repl/pyproject.toml', '[tool.losslens]\nexclude = ["vendor"]\n');
    write('repl/build/gen.py', DOUBLE);
    write('repl/vendor/lib.py', DOUBLE);
    const r = await run(['check', '--format', 'json', path.join(dir, 'repl')]);
    assert.deepEqual(JSON.parse(r.out).findings.map((f: { file: string }) => path.relative(path.join(dir, 'repl'), f.file)), ['build/gen.py']);
  });

  it('a mistake in the configuration: file:line: reason, exit 2', async () => {
    write('broken/pyproject.toml', '[tool.losslens]\nselect = ["LL101"]\nseverity = 3\n');
    write('broken/a.py', DOUBLE);
    const r = await run(['check', path.join(dir, 'broken')]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), `losslens: ${path.join(dir, 'broken', 'pyproject.toml')}:3: tool.losslens.severity must be a table of rule = "level"`);
    const u = await run(['check', '--select', 'LL9', path.join(dir, 'broken', 'a.py')]);
    assert.equal(u.code, 2);
    assert.match(u.err, /unknown rule 'LL9'/);
  });
});
