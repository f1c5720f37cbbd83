import { strict as assert } from 'assert';
import { parseSettings } from '../../../src/server/settings';

describe('server settings (workspace/configuration, section lossLens)', () => {
  it('defaults when the client sends nothing or something that is not an object', () => {
    for (const raw of [undefined, null, 42, 'x', [1, 2]]) {
      const s = parseSettings(raw);
      assert.equal(s.run, 'onType');
      assert.equal(s.debounceMs, 300);
      assert.equal(s.rules.defaultFramework, 'auto');
      assert.equal(s.rules.severity!['double-softmax'], 'warning');
      assert.equal(s.rules.severity!['deprecated-tf1-api'], 'information');
    }
  });

  it('reads the nested shape VS Code sends and the dotted keys other editors write', () => {
    const nested = parseSettings({ diagnostics: { run: 'onSave', debounceMs: 50 }, rules: { 'double-softmax': 'error' }, defaultFramework: 'pytorch' });
    assert.deepEqual([nested.run, nested.debounceMs, nested.rules.severity!['double-softmax'], nested.rules.defaultFramework], ['onSave', 50, 'error', 'pytorch']);
    const dotted = parseSettings({ 'diagnostics.run': 'off', 'diagnostics.debounceMs': 0, 'rules.log-of-logits': 'off' });
    assert.deepEqual([dotted.run, dotted.debounceMs, dotted.rules.severity!['log-of-logits']], ['off', 0, 'off']);
  });

  it('an invalid value takes its default; the debounce is clamped to 0-5000 ms', () => {
    const s = parseSettings({ diagnostics: { run: 'always', debounceMs: 1e9 }, rules: { 'double-softmax': 'fatal' }, defaultFramework: 'caffe' });
    assert.deepEqual([s.run, s.debounceMs, s.rules.severity!['double-softmax'], s.rules.defaultFramework], ['onType', 5000, 'warning', 'auto']);
    assert.equal(parseSettings({ diagnostics: { debounceMs: -5 } }).debounceMs, 0);
    assert.equal(parseSettings({ diagnostics: { debounceMs: Number.NaN } }).debounceMs, 300);
    assert.equal(parseSettings({ diagnostics: { debounceMs: '100' } }).debounceMs, 300);
  });
});
