// Runs the bundled CLI (dist/cli.js, built by `npm run build`) in this process on the given
// arguments, as `losslens ...` would, and prints one JSON line: exit code, output, the wall and
// CPU time of the run itself (without Node's start-up) and the process's peak resident memory.
// The hostile-input tests spawn it so that a crash, a stall or a memory blow-up of the CLI is
// measured in a process of its own.
'use strict';
const path = require('path');
const { main } = require(path.join(__dirname, '..', '..', '..', 'dist', 'cli.js'));

const out = [];
const err = [];
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();

function report(code, error) {
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const text = out.join('');
  process.stdout.write(
    `${JSON.stringify({
      code,
      out: text.length > 4_000_000 ? text.slice(0, 4_000_000) : text,
      outLength: text.length,
      err: err.join('') + (error ? `crash: ${error instanceof Error ? error.stack : String(error)}` : ''),
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssKiB: process.resourceUsage().maxRSS,
    })}\n`,
  );
}

main(process.argv.slice(2), (s) => out.push(s), (s) => err.push(s)).then(
  (code) => report(code),
  (e) => report(70, e),
);
