import { strict as assert } from 'assert';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../../src/extension/panel_html';

const input = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'AbCdEfGhIjKlMnOpQrStUvWx',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.css',
};

describe('panel HTML (src/extension/panel_html.ts)', () => {
  const html = panelHtml(input);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';

  it('has exactly the CSP of the house style, without unsafe-inline or unsafe-eval', () => {
    assert.equal(
      csp,
      `default-src 'none'; img-src ${input.cspSource} data:; style-src ${input.cspSource}; script-src 'nonce-${input.nonce}'; font-src ${input.cspSource};`,
    );
    assert.equal(csp, contentSecurityPolicy(input.cspSource, input.nonce));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  });

  it('loads one script, by nonce, from the bundle folder; no inline script or style', () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0], `<script nonce="${input.nonce}" src="${input.scriptUri}">`);
    assert.match(html, /<script[^>]*><\/script>/, 'the script tag has no inline body');
    assert.doesNotMatch(html, /<style|style="/);
    assert.match(html, new RegExp(`<link rel="stylesheet" href="${input.styleUri.replace(/[.+]/g, '\\$&')}">`));
    assert.doesNotMatch(html, /\son\w+=/i, 'no inline event handlers');
  });

  it('carries no model data: the same HTML for any result, nothing but the shell', () => {
    assert.doesNotMatch(html, /softmax|cross_entropy|0\.4790|PanelModel|"type"/);
    assert.match(html, /<main id="root" aria-live="polite"><\/main>/);
  });

  it('escapes attribute values and refuses a weak nonce', () => {
    const h = panelHtml({ ...input, styleUri: 'x"><script>alert(1)</script>' });
    assert.doesNotMatch(h, /<script>alert/);
    assert.throws(() => panelHtml({ ...input, nonce: 'abc' }));
    assert.throws(() => panelHtml({ ...input, nonce: `${input.nonce}' 'unsafe-inline` }));
  });

  it('makes a fresh random nonce each time', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9+/=]{32}$/);
    assert.doesNotThrow(() => panelHtml({ ...input, nonce: a }));
  });
});
