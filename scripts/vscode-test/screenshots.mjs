// A tiny loopback HTTP endpoint through which a test asks the driver for a screenshot of the
// workbench as it is now:  GET /shot?name=<file stem>&waitFor=<css>[&waitFor=<css>...]
// The driver waits (bounded) until each selector is visible, saves <dir>/<name>.png and answers
// 200 only then, so the test awaits the answer instead of sleeping. The URL reaches the tests
// through the workspace file .losslens-test.json (see workspace.mjs); without it, tests skip
// their screenshot steps (as under @vscode/test-electron).
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

export async function startScreenshotServer(dir, label) {
  let page = null;
  const taken = [];
  const server = http.createServer(async (req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' };
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== '/shot' || !page) {
      res.writeHead(url.pathname === '/shot' ? 503 : 404, cors).end('{"ok":false}');
      return;
    }
    const name = (url.searchParams.get('name') || 'shot').replace(/[^\w.-]/g, '_');
    const missing = [];
    for (const sel of url.searchParams.getAll('waitFor')) {
      try {
        await page.waitForSelector(sel, { state: 'visible', timeout: 15000 });
      } catch {
        missing.push(sel);
      }
    }
    try {
      // Let the last frame (hover fade-in, webview paint) reach the screen: two animation frames.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file });
      taken.push(file);
      console.log(`[${label}] screenshot ${file}${missing.length ? ` (not visible: ${missing.join(', ')})` : ''}`);
      res.writeHead(200, cors).end(JSON.stringify({ ok: true, file, missing }));
    } catch (e) {
      res.writeHead(500, cors).end(JSON.stringify({ ok: false, error: String(e) }));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/shot`,
    taken,
    setPage(p) { page = p; },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
