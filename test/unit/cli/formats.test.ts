import { strict as assert } from 'assert';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DOUBLE, run } from './run';

/** The SARIF 2.1.0 JSON schema as Microsoft's @microsoft/jest-sarif ships it (draft-04). */
const SARIF_SCHEMA = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

/** GitLab Code Quality: the fields GitLab reads (docs.gitlab.com, "Code Quality report format"). */
const GITLAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: { path: { type: 'string', minLength: 1 }, lines: { type: 'object', required: ['begin'], properties: { begin: { type: 'integer', minimum: 1 } } } },
      },
    },
  },
};

const TF1 = 'import tensorflow as tf\nloss = tf.log(x)\n';

describe('losslens check: output formats', () => {
  let dir: string;
  let cwd: string;
  before(() => {
    cwd = process.cwd();
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-formats-')));
    fs.mkdirSync(path.join(dir, 'src', 'my dir'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'my dir', 'bad%1.py'), DOUBLE + TF1);
    fs.writeFileSync(path.join(dir, 'src', 'quiet.py'), `${DOUBLE.trimEnd()}  # noqa: LL101\n`);
    fs.writeFileSync(path.join(dir, 'src', 'clean.py'), 'x = 1\n');
    fs.writeFileSync(path.join(dir, 'src', 'nb.ipynb'), JSON.stringify({ cells: [{ cell_type: 'code', source: DOUBLE }] }));
    process.chdir(dir);
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sarif: valid SARIF 2.1.0, relative URIs under %SRCROOT%, rule metadata, suppressions, stable fingerprints', async () => {
    const r = await run(['check', '--format', 'sarif', 'src']);
    const sarif = JSON.parse(r.out);
    // unicodeRegExp: false because the schema's 'language' pattern has a stray ']' that the u flag rejects.
    const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const valid = ajv.validate(SARIF_SCHEMA, JSON.parse(r.out));
    assert.ok(valid, JSON.stringify(ajv.errors?.slice(0, 5)));
    // the validator does check: a wrong level or a missing message is rejected
    const broken = JSON.parse(r.out);
    broken.runs[0].results[0].level = 'warn';
    delete broken.runs[0].results[1].message;
    assert.equal(ajv.validate(SARIF_SCHEMA, broken), false);
    const run0 = sarif.runs[0];
    assert.equal(run0.originalUriBaseIds['%SRCROOT%'].uri, `file://${dir}/`);
    const uris = run0.results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation);
    assert.deepEqual(uris[0], { uri: 'src/my%20dir/bad%251.py', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(
      run0.results.map((x: { ruleId: string; suppressions?: unknown[] }) => [x.ruleId, !!x.suppressions]),
      [['LL101', false], ['LL108', false], ['LL101', false], ['LL101', true]],
    );
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'LL101');
    assert.equal(rule.name, 'double-softmax');
    assert.match(rule.fullDescription.text, /^A softmax output reaches an argument that expects \*\*logits\*\*/);
    assert.match(rule.help.markdown, /^# double-softmax \(LL101\)/);
    assert.match(rule.helpUri, /^file:\/\/.*\/docs\/rules\/double-softmax\.md$/);
    assert.equal(run0.tool.driver.version, JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')).version);
    // the notebook finding carries its cell
    assert.equal(run0.results[2].properties.cell, 1);

    // Fingerprints: the same across runs, unchanged when lines move, different for different code.
    const fp = (s: { runs: { results: { partialFingerprints: Record<string, string> }[] }[] }) => s.runs[0].results.map((x) => x.partialFingerprints['lossLens/v1']);
    const first = fp(JSON.parse(r.out));
    assert.equal(new Set(first).size, first.length);
    assert.deepEqual(fp(JSON.parse((await run(['check', '--format', 'sarif', 'src'])).out)), first);
    const file = path.join(dir, 'src', 'my dir', 'bad%1.py');
    fs.writeFileSync(file, `# a comment\n\n${DOUBLE}${TF1}`);
    try {
      const moved = JSON.parse((await run(['check', '--format', 'sarif', 'src'])).out);
      assert.equal(moved.runs[0].results[0].locations[0].physicalLocation.region.startLine, 4);
      assert.deepEqual(fp(moved), first);
    } finally {
      fs.writeFileSync(file, DOUBLE + TF1);
    }
  });

  it('gitlab: Code Quality JSON with the fields GitLab requires', async () => {
    const r = await run(['check', '--format', 'gitlab', 'src']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.out);
    const ajv = new Ajv({ allErrors: true });
    assert.ok(ajv.validate(GITLAB_SCHEMA, report), JSON.stringify(ajv.errors));
    assert.deepEqual(
      report.map((x: { check_name: string; severity: string; location: { path: string; lines: { begin: number } } }) => [x.check_name, x.severity, x.location.path, x.location.lines.begin]),
      [
        ['LL101 double-softmax', 'minor', 'src/my dir/bad%1.py', 2],
        ['LL108 deprecated-tf1-api', 'info', 'src/my dir/bad%1.py', 4],
        ['LL101 double-softmax', 'minor', 'src/nb.ipynb', 2],
      ],
    );
    assert.match(report[2].description, /^cell 1: /);
  });

  it('github: workflow commands with %, CR, LF, : and , escaped', async () => {
    const odd = path.join(dir, 'odd');
    fs.mkdirSync(odd);
    fs.writeFileSync(path.join(odd, 'a,b:c%\r\nd.py'), DOUBLE);
    try {
      const r = await run(['check', '--format', 'github', 'odd', 'src/nb.ipynb']);
      const lines = r.out.trimEnd().split('\n');
      assert.equal(lines.length, 2, r.out);
      const m = /^::warning file=([^,]*),line=2,endLine=2,col=24,endColumn=43,title=LL101 double-softmax::(.*)$/.exec(lines[0]);
      assert.ok(m, lines[0]);
      assert.equal(m[1], 'odd/a%2Cb%3Ac%25%0D%0Ad.py');
      assert.match(m[2], /^LL101 F\.softmax\(\.\.\.\) output is passed to F\.cross_entropy/);
      assert.equal(lines[1].split('::')[1], 'warning file=src/nb.ipynb,title=LL101 double-softmax (cell 1%2C line 2)');
    } finally {
      fs.rmSync(odd, { recursive: true, force: true });
    }
  });

  it('junit: well-formed XML, one failing test case per finding, a passing one per clean file', async () => {
    const r = await run(['check', '--format', 'junit', 'src']);
    assert.equal(XMLValidator.validate(r.out), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.out);
    const suites = doc.testsuites.testsuite as { name: string; tests: string; failures: string }[];
    assert.deepEqual(
      suites.map((s) => [s.name, s.tests, s.failures]),
      [
        ['src/clean.py', '1', '0'],
        ['src/my dir/bad%1.py', '2', '2'],
        ['src/nb.ipynb', '1', '1'],
        ['src/quiet.py', '1', '0'],
      ],
    );
    assert.deepEqual([doc.testsuites.tests, doc.testsuites.failures], ['5', '3']);
  });

  it('json and json-lines: the same finding objects; --exit-zero, --quiet, --statistics', async () => {
    const json = JSON.parse((await run(['check', '--format', 'json', 'src'])).out);
    assert.equal(json.version, 1);
    const jl = await run(['check', '--format', 'json-lines', 'src']);
    assert.deepEqual(jl.out.trimEnd().split('\n').map((l) => JSON.parse(l)), json.findings);
    assert.deepEqual(Object.keys(json.findings[2]), ['file', 'cell', 'line', 'column', 'endLine', 'endColumn', 'code', 'rule', 'severity', 'message', 'fix']);
    const zero = await run(['check', '--exit-zero', 'src']);
    assert.equal(zero.code, 0);
    assert.equal(zero.out.trim().split('\n').length, 3);
    assert.match(zero.err, /3 findings in 4 files; 1 fixable with --fix; 2 more with --fix --unsafe-fixes/);
    const quiet = await run(['check', '-q', 'src']);
    assert.deepEqual([quiet.code, quiet.err], [1, '']);
    const stats = await run(['check', '--statistics', 'src']);
    assert.equal(stats.out, '2\tLL101\t    double-softmax\n1\tLL108\t[*] deprecated-tf1-api\n');
    assert.equal((await run(['check', '--statistics', '--format', 'json', 'src'])).code, 2);
  });
});
