// The loopback-only network namespace the real coding CLIs run in (claude-code/,
// codex/; DESIGN.md section 3): they reach for the internet (telemetry, updates, feature
// flags), so a test script that drives one re-executes itself under `unshare --net`
// (which needs root) and fails, loudly and with the reason, when it cannot: not root, no
// unshare or ip, or namespaces refused. It never runs the CLI outside the namespace.
// Inside, `prepareLoopback()` checks that loopback is the only interface and brings it up;
// fake_upstream, OneGate and the CLI are then all started there. Node built-ins only, and
// no node:test: it runs before the script loads its tests.
//
// Environment (CTest sets it): ONEGATE_UNSHARE and ONEGATE_IP, the programs' paths.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const INSIDE = 'ONEGATE_CLIENT_NETNS';

function program(variable) {
  const value = process.env[variable];
  return value && !value.endsWith('-NOTFOUND') ? value : null;
}

// Returns at once when this process already runs in the namespace. Otherwise re-executes
// `scriptUrl` (the caller's import.meta.url) with the same node options inside a new one,
// and exits with its status; or exits 1 saying why it cannot, naming `cli` (what must
// not run without it).
export function reexecInLoopbackNamespace(scriptUrl, cli) {
  if (process.env[INSIDE] === '1')
    return;
  const script = fileURLToPath(scriptUrl);
  const refuse = (why) => {
    console.error(`${script}: FAILED: ${why}\n` +
                  `${cli} may only run in a loopback-only network namespace (DESIGN.md section 3); ` +
                  'it was not started.');
    process.exit(1);
  };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    refuse(`\`unshare --net\` needs root, and this runs as uid ${process.getuid?.()}`);
  const unshare = program('ONEGATE_UNSHARE');
  if (!unshare || !existsSync(unshare))
    refuse(`unshare (util-linux) not found (ONEGATE_UNSHARE=${process.env.ONEGATE_UNSHARE ?? ''})`);
  const ip = program('ONEGATE_IP');
  if (!ip || !existsSync(ip))
    refuse(`ip (iproute2) not found (ONEGATE_IP=${process.env.ONEGATE_IP ?? ''}): it brings loopback up in the namespace`);
  // A machine (or container) that refuses namespaces says so here, apart from a failing test.
  const probe = spawnSync(unshare, ['--net', '--', process.execPath, '-e', ''], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    refuse(`this machine cannot create a network namespace: ${probe.error?.message ?? probe.stderr.trim()}`);
  const result = spawnSync(unshare, ['--net', '--', process.execPath, ...process.execArgv, script],
                           { stdio: 'inherit', env: { ...process.env, [INSIDE]: '1' } });
  if (result.error)
    refuse(`cannot run ${unshare}: ${result.error.message}`);
  if (result.signal)
    refuse(`the test in the namespace was killed by ${result.signal}`);
  process.exit(result.status ?? 1);
}

// The interfaces of this process's network namespace (/proc/self/net follows it; /sys
// would show the mounter's).
export function interfaces() {
  return readFileSync('/proc/self/net/dev', 'utf8').split('\n').slice(2)
    .map((line) => line.split(':')[0].trim()).filter(Boolean);
}

// Inside the namespace: fails unless loopback is the only interface (a namespace holding
// anything else is not the one unshare made: never run a CLI with a way out), then
// brings it up.
export function prepareLoopback() {
  assert.equal(process.env[INSIDE], '1', 'not re-executed in a network namespace');
  assert.deepEqual(interfaces(), ['lo'], 'this network namespace has more than loopback');
  const up = spawnSync(process.env.ONEGATE_IP, ['link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  assert.equal(up.status, 0, `ip link set lo up: ${up.stderr}`);
}

// Runs `bin args` with `env` alone and resolves with { code, signal, stdout, stderr,
// timedOut }. The child gets its own process group, so that a timeout (SIGKILL after
// `timeoutMs`) also ends the native binary an npm wrapper started, and so does any
// straggler once it exits.
export function runCli(bin, args, { env, cwd, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => { stdout += data; });
    child.stderr.on('data', (data) => { stderr += data; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    }, timeoutMs);
    child.on('error', (error) => { stderr += String(error); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
