// Child-process handling shared by the SDK tests: start fake_upstream and
// `onegate --headless`, wait for their "listening on" line, stop them, and never leave
// one behind if the runner dies.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const START_TIMEOUT_MS = 15_000;

const children = [];

// Starts `bin args` and resolves with { child, port, output() } once it printed
// "<name> listening on http://127.0.0.1:PORT". With `{ stdin: true }` the child's stdin
// is a pipe (child.stdin) the test can write to.
export function startServer(name, bin, args, env, { stdin = false } = {}) {
  assert.ok(bin, `${name}: binary path not set in the environment`);
  const child = spawn(bin, args, { env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const collect = (data) => { output += data.toString(); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const pattern = new RegExp(`^${name} listening on http://127\\.0\\.0\\.1:(\\d+)\\r?$`, 'm');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = pattern.exec(output);
      if (match) {
        cleanup();
        resolve({ child, port: Number(match[1]), output: () => output });
      }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`));
    };
    const onError = (error) => {
      cleanup();
      reject(error);
    };
    function cleanup() {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

// Resolves with the exit code (or signal name) once `child` is gone; SIGKILL after `ms`.
export function stop(child, signal = 'SIGTERM', ms = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      resolve(code ?? sig);
    });
    child.kill(signal);
  });
}

// Should the runner itself die, leave no server behind.
process.on('exit', () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
  }
});

// Polls `predicate` every 25 ms until it holds, or fails after `ms`.
export async function waitFor(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// The error a call must raise (fails the test when it resolves instead).
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

// The token counts of an OpenAI usage object, for comparing two answers.
export function tokens(usage) {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
  };
}
