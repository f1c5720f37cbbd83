/**
 * The panel's HTML, built without vscode so it can be unit-tested. It carries no model data:
 * results arrive by postMessage. Scripts run only by nonce; styles, images and fonts come only
 * from the webview's own resource origin (no inline styles, no eval).
 */
export interface PanelHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** A fresh random nonce per load. */
  nonce: string;
  /** webview.asWebviewUri(dist/webview/main.js) */
  scriptUri: string;
  /** webview.asWebviewUri(dist/webview/panel.css) */
  styleUri: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; script-src 'nonce-${nonce}'; font-src ${cspSource};`;
}

export function panelHtml({ cspSource, nonce, scriptUri, styleUri }: PanelHtmlInput): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('panelHtml: the nonce must be at least 16 base64 characters');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(styleUri)}">
<title>Loss Lens</title>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script nonce="${nonce}" src="${attr(scriptUri)}"></script>
</body>
</html>
`;
}

/** A random nonce (base64 of 24 random bytes) from Web Crypto, present in Node 20 and in browsers. */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
