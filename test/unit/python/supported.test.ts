import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { supportedMarkdown } from '../../../src/python/supported';

describe('docs/supported.md', () => {
  it('lists exactly what the registry evaluates (regenerate with npm run docs:supported)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'supported.md'), 'utf8');
    assert.equal(doc, supportedMarkdown());
  });
});
