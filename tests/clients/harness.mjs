// Child-process handling shared by the client tests (openai-sdk/, anthropic-sdk/,
// claude-code/): start fake_upstream and `onegate --headless`, wait for their "listening
// on" line, stop them, and never leave one behind if the runner dies. Node built-ins only:
// it is imported from each package folder and resolves nothing from node_modules.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

// A provider's base_url for a fake of `kind` on `port`: OpenAI-compatible servers take
// the version path, the native kinds their origin.
export function fakeBaseUrl(kind, port) {
  const origin = `http://127.0.0.1:${port}`;
  return kind === 'openai' ? `${origin}/v1` : origin;
}

// Starts `fake_upstream --kind KIND` (checking `upstreamKey`) and a headless OneGate with
// one provider `providerId` of that kind in front of it, admitting `accessKey`. Keys travel
// as env: references, as in real use. `config` adds top-level config keys; `provider`
// adds keys to the provider entry; `fakeArgs` adds fake_upstream options. Resolves with
// { fake, onegate, workDir, url, stopAll() }: `url` is OneGate's origin, and stopAll()
// stops both (OneGate with SIGTERM) and resolves with OneGate's exit code.
export async function startGateway({ kind, providerId = 'fake', models, accessKey, upstreamKey,
                                     config = {}, provider = {}, fakeArgs = [], env: extraEnv = {} }) {
  const workDir = mkdtempSync(path.join(tmpdir(), `onegate-${kind}-client-`));
  const env = { ...process.env, ...extraEnv, ONEGATE_TEST_KEY: accessKey, ONEGATE_TEST_UPSTREAM_KEY: upstreamKey };
  let fake;
  let onegate;
  const stopAll = async () => {
    const onegateExit = onegate ? await stop(onegate.child) : 0;
    if (fake)
      await stop(fake.child);
    rmSync(workDir, { recursive: true, force: true });
    return onegateExit;
  };
  try {
    fake = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN,
                             ['--kind', kind, '--port', '0', '--key', upstreamKey, ...fakeArgs], env);
    const full = {
      listen: '127.0.0.1:0',
      auth: { required: true },
      access_keys: [{ name: 'client', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [{
        id: providerId,
        kind,
        base_url: fakeBaseUrl(kind, fake.port),
        api_key: 'env:ONEGATE_TEST_UPSTREAM_KEY',
        proxy: 'none',
        models,
        ...(kind === 'azure' ? { api_version: '2024-10-21' } : {}),
        ...provider,
      }],
      ...config,
    };
    const configPath = path.join(workDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(full, null, 2));
    onegate = await startServer('onegate', process.env.ONEGATE_BIN,
                                ['--headless', '--config', configPath, '--data-dir', path.join(workDir, 'data'),
                                 '--listen', '127.0.0.1:0'], env);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { fake, onegate, workDir, url: `http://127.0.0.1:${onegate.port}`, stopAll };
}

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
