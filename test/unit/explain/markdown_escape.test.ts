import { strict as assert } from 'assert';
import { marked } from 'marked';
import { explainAt, explainText } from '../../../src/explain/explain';
import { code, escape } from '../../../src/explain/explain_text';
import { analyse } from '../../helpers/parser';

// VS Code renders hover Markdown with marked (GFM: bare URLs and e-mail addresses become links).
const render = (md: string) => marked.parse(md, { async: false, gfm: true }) as string;
const tags = (html: string) => [...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
const decode = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const HOSTILE = [
  'a\r\n\r\n# heading',
  'a\r\rb\n\n## h2',
  'x\u2028\u2028y',
  '![img](http://evil.example/i.png)',
  '[link](http://evil.example) [ref]: http://evil.example',
  'see http://evil.example/x and www.evil.example and me@evil.example',
  '<http://evil.example> <b>bold</b> <img src=x onerror=alert(1)>',
  '&amp; &#60; &lt;',
  '**bold** _it_ ~~del~~ `tick` ``two`` ```three```',
  '`',
  '| a | b |\n|---|---|\n| 1 | 2 |',
  'text\n---\n1. item\n- item\n> quote\n    indented',
  '\\[not a link\\]',
];

describe('hover Markdown escaping', () => {
  for (const s of HOSTILE) {
    const flat = s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
    it(`escape() renders ${JSON.stringify(s)} as plain text`, () => {
      const html = render(`before ${escape(s)} after`);
      assert.deepEqual(tags(html), ['p', 'p'], html);
      assert.equal(decode(html).trim(), `before ${flat} after`);
    });
    it(`code() keeps ${JSON.stringify(s)} in one code span`, () => {
      const html = render(`before ${code(s)} after`);
      assert.deepEqual(tags(html), ['p', 'code', 'code', 'p'], html);
      // CommonMark strips one space of padding on each side of a code span.
      assert.equal(decode(html).trim(), `before ${flat} after`);
    });
  }

  describe('hovers on a CRLF file with a blank line and a comment with a URL inside user code', () => {
    const EVIL = '(z +\r\n\r\n# Heading ![i](http://evil.example/i.png) see http://evil.example/x <b>b</b> `x`\r\n0.0)';
    const sources = {
      'hand-written cross-entropy (caption, description, fused form)': `import tensorflow as tf\r\ny = tf.constant([[0.0, 1.0]])\r\nz = tf.constant([[1.0, 2.0]])\r\nloss = -tf.reduce_sum(y * tf.log(tf.nn.softmax${EVIL}), axis=1)\r\n`,
      'F.cross_entropy (caption)': `import torch.nn.functional as F\r\nimport torch\r\nz = torch.tensor([[1.0, 2.0]])\r\nloss = F.cross_entropy${EVIL.slice(0, -1)}, torch.tensor([1]))\r\n`,
    };
    for (const [what, src] of Object.entries(sources)) {
      it(what, async () => {
        const a = await analyse(src);
        const m = explainAt(a, src.indexOf('loss =') + 2);
        assert.ok(m);
        const md = explainText(m);
        const html = render(md);
        const found = new Set(tags(html));
        for (const bad of ['a', 'img', 'h1', 'h2', 'b', 'hr']) assert.ok(!found.has(bad), `<${bad}> in ${html}`);
        assert.ok(decode(html).includes('# Heading ![i](http://evil.example/i.png) see http://evil.example/x <b>b</b>'), html);
      });
    }
  });
});
