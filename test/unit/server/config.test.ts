import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { Session, startSession, stopSession } from './lsp_client';

const DOUBLE_SOFTMAX = [
  'import torch',
  'import torch.nn.functional as F',
  '',
  'z = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])',
  'y = torch.tensor([0, 1])',
  'loss = F.cross_entropy(F.softmax(z, dim=1), y)',
  '',
].join('\n');
const ll101 = (ds: Diagnostic[]) => ds.find((d) => d.code === 'LL101');

describe('losslens server: project configuration and suppression comments', function () {
  this.timeout(30000);
  let s: Session | undefined;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losslens-server-config-'));
    fs.mkdirSync(path.join(dir, 'pkg'));
  });
  afterEach(() => {
    if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    s = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(file: string, text: string): Promise<string> {
    const full = path.join(dir, file);
    fs.writeFileSync(full, text);
    const uri = pathToFileURL(full).href;
    await s!.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    return uri;
  }

  it('the nearest [tool.losslens] above the file applies; a change to it (didChangeWatchedFiles) re-checks open documents', async () => {
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "x"\n\n[tool.losslens]\nignore = ["LL101"]\n');
    s = await startSession();
    const uri = await open('pkg/train.py', DOUBLE_SOFTMAX);
    const first = await s.diagnostics(uri);
    assert.equal(ll101(first), undefined, `ignored by pyproject.toml: ${JSON.stringify(first)}`);

    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.losslens.severity]\ndouble-softmax = "error"\n');
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'pyproject.toml')).href, type: 2 }] });
    const second = await s.diagnostics(uri, (ds) => ll101(ds) !== undefined);
    assert.equal(ll101(second)!.severity, DiagnosticSeverity.Error, 'severity from [tool.losslens.severity]');

    // A closer losslens.toml wins over the pyproject.toml further up (no merging).
    fs.writeFileSync(path.join(dir, 'pkg', 'losslens.toml'), 'select = ["LL108"]\n');
    await s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'pkg', 'losslens.toml')).href, type: 1 }] });
    const third = await s.diagnostics(uri, (ds) => ll101(ds) === undefined);
    assert.equal(ll101(third), undefined);
    await stopSession(s);
  });

  it('a VS Code setting other than the default wins over the file; a default one leaves the file in charge', async () => {
    fs.writeFileSync(path.join(dir, 'losslens.toml'), 'ignore = ["double-softmax"]\n[severity]\n');
    s = await startSession({ rules: { 'double-softmax': 'hint' } });
    const uri = await open('train.py', DOUBLE_SOFTMAX);
    const ds = await s.diagnostics(uri, (x) => ll101(x) !== undefined);
    assert.equal(ll101(ds)!.severity, DiagnosticSeverity.Hint);
    // Back to the default ('warning'): the file's ignore applies again.
    s.settings = { rules: { 'double-softmax': 'warning' } };
    await s.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await s.diagnostics(uri, (x) => ll101(x) === undefined);
    await stopSession(s);
  });

  it('a configuration file with a mistake is reported once in a warning and ignored', async () => {
    fs.writeFileSync(path.join(dir, 'losslens.toml'), 'select = "LL1"\n');
    s = await startSession();
    const messages: string[] = [];
    s.connection.onNotification('window/showMessage', (p: { message: string }) => {
      messages.push(p.message);
    });
    const uri = await open('train.py', DOUBLE_SOFTMAX);
    const ds = await s.diagnostics(uri, (x) => ll101(x) !== undefined);
    assert.equal(ll101(ds)!.severity, DiagnosticSeverity.Warning, 'defaults apply');
    await stopSession(s);
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.match(messages[0], /losslens\.toml:1: .*select/);
  });

  it('noqa and ignore-file comments silence findings in the editor as in the CLI; another linter\'s code does not', async () => {
    s = await startSession();
    const lines = DOUBLE_SOFTMAX.split('\n');
    const withComment = (c: string) => lines.map((l, i) => (i === 5 ? `${l}  ${c}` : l)).join('\n');
    const noqa = await open('noqa.py', withComment('# noqa: LL101'));
    const byName = await open('by_name.py', withComment('# losslens: ignore[double-softmax]'));
    const whole = await open('whole.py', `# losslens: ignore-file\n${DOUBLE_SOFTMAX}`);
    const other = await open('other.py', withComment('# noqa: E501'));
    assert.ok(ll101(await s.diagnostics(other, (x) => x.length > 0)), '# noqa: E501 does not silence LL101');
    for (const uri of [noqa, byName, whole]) assert.equal(ll101(await s.diagnostics(uri)), undefined, uri);
    await stopSession(s);
  });
});
