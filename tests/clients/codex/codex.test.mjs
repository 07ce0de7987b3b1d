// The real Codex CLI (`codex exec`, npm @openai/codex) through a headless OneGate's
// POST /v1/responses to a fake provider (DESIGN.md section 3, issue 10).
//
// Codex reaches for the internet (updates, analytics, its model list), so it runs only
// inside a network namespace that has nothing but loopback: started normally, this script
// re-executes itself under `unshare --net` or fails saying why (../netns.mjs), and starts
// fake_upstream, OneGate and codex inside.
//
// Codex gets a temporary CODEX_HOME whose config.toml defines OneGate as a custom model
// provider (wire_api "responses", the access key in an environment variable named by
// env_key) with model "KIND/text", pinning the provider `KIND` of FAKE_KIND (openai or
// anthropic, set by CTest); OneGate translates the Responses request through Chat to
// that provider. The CLI must exit 0 and print the text the fake's recorded stream
// carries, and the fake must have received the requests.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN, FAKE_KIND, ONEGATE_UNSHARE
// and ONEGATE_IP (the programs' paths).
// Run: FAKE_KIND=anthropic node --test-reporter=spec codex.test.mjs  (as root, from the
// folder holding node_modules/@openai/codex)

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareLoopback, reexecInLoopbackNamespace, runCli } from '../netns.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// Outside the namespace this re-executes the script inside one (or fails saying why) and
// never returns.
reexecInLoopbackNamespace(import.meta.url, 'Codex');

// From here on: inside the namespace.
const { after, before, describe, test } = await import('node:test');
const { startGateway } = await import('../harness.mjs');

const KIND = process.env.FAKE_KIND ?? 'openai';
const ACCESS_KEY = 'sk-test-onegatecodex-6789';
const UPSTREAM_KEY = 'sk-test-codexupstream-3210';
const KEY_VARIABLE = 'ONEGATE_CODEX_KEY';
const MODEL = `${KIND}/text`;
const CODEX_TIMEOUT_MS = 120_000;

// The text of each fake's recorded `text` stream (Codex always streams):
// tests/data/fixtures/openai/chat_stream_text_include_usage.sse and
// tests/data/fixtures/anthropic/messages_stream_text_recorded.sse.
const EXPECTED = {
  openai: {
    text: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
    upstream: /^POST \/v1\/chat\/completions model=text$/,
  },
  anthropic: {
    text: "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!",
    upstream: /^POST \/v1\/messages model=text$/,
  },
}[KIND];

// CODEX_HOME/config.toml: OneGate as the only provider, nothing that phones home, no
// retries (one answer per request, so a failure shows as it is), never an approval
// prompt, and a read-only sandbox (the fake's answer asks for no command anyway).
function codexConfig(baseUrl) {
  return `model = "${MODEL}"
model_provider = "onegate"
approval_policy = "never"
sandbox_mode = "read-only"
check_for_update_on_startup = false

[model_providers.onegate]
name = "OneGate"
base_url = "${baseUrl}"
wire_api = "responses"
env_key = "${KEY_VARIABLE}"
request_max_retries = 0
stream_max_retries = 0

[features]
plugins = false
remote_plugin = false
apps = false
in_app_updates = false

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"
`;
}

// The files under `dir`, recursively (Codex writes its logs and sessions there).
function filesUnder(dir) {
  if (!existsSync(dir))
    return [];
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

// What Codex logged (RUST_LOG) in CODEX_HOME/log, at most the last 120 lines.
function codexLog(codexHome) {
  const logs = filesUnder(path.join(codexHome, 'log'));
  if (logs.length === 0)
    return '(no log in CODEX_HOME/log)';
  return logs.map((file) => `${file}:\n${readFileSync(file, 'utf8').split('\n').slice(-120).join('\n')}`).join('\n');
}

// Runs `codex args` with `env` alone (nothing inherited but PATH).
function runCodex(args, env) {
  const wrapper = path.join(here, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
  assert.ok(existsSync(wrapper), `${wrapper} missing: run npm ci here first`);
  return runCli(process.execPath, [wrapper, ...args], { env, cwd: env.HOME, timeoutMs: CODEX_TIMEOUT_MS });
}

describe(`codex exec through headless OneGate's /v1/responses to a ${KIND} provider, loopback only`, () => {
  let gateway;

  before(async () => {
    assert.ok(EXPECTED, `FAKE_KIND=${KIND}: no expectations for this kind`);
    prepareLoopback();
    gateway = await startGateway({
      kind: KIND, providerId: KIND, models: ['text'], accessKey: ACCESS_KEY, upstreamKey: UPSTREAM_KEY,
      fakeArgs: ['--log-requests'],
    });
  }, { timeout: 40_000 });

  after(async () => {
    const output = gateway?.onegate?.output() ?? '';
    const onegateExit = gateway ? await gateway.stopAll() : 0;
    assert.equal(onegateExit, 0, `onegate exit after SIGTERM; its output:\n${output}`);
  }, { timeout: 15_000 });

  test(`codex exec "Say hello" with model ${MODEL}`, { timeout: CODEX_TIMEOUT_MS + 30_000 }, async () => {
    const home = mkdtempSync(path.join(gateway.workDir, 'home-'));
    const codexHome = path.join(home, '.codex');
    const workspace = path.join(home, 'work');
    mkdirSync(codexHome);
    mkdirSync(workspace);
    writeFileSync(path.join(codexHome, 'config.toml'), codexConfig(`${gateway.url}/v1`));
    const lastMessage = path.join(home, 'last-message.txt');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      TMPDIR: home,
      CODEX_HOME: codexHome,
      [KEY_VARIABLE]: ACCESS_KEY,
      RUST_LOG: 'codex_core=debug,codex_exec=debug,codex_api=debug,info',
      NO_COLOR: '1',
    };
    const mark = gateway.fake.output().length;
    const onegateMark = gateway.onegate.output().length;
    const run = await runCodex(['exec', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--color', 'never',
                                '--cd', workspace, '--output-last-message', lastMessage, 'Say hello'], env);
    const sent = [...gateway.fake.output().slice(mark).matchAll(/^request (.*)$/gm)].map((match) => match[1]);
    const answer = existsSync(lastMessage) ? readFileSync(lastMessage, 'utf8') : null;
    const report = () => [
      `codex exec with model ${MODEL}: exit ${run.code ?? run.signal}${run.timedOut ? ` (killed after ${CODEX_TIMEOUT_MS} ms)` : ''}`,
      `--- stdout\n${run.stdout}`,
      `--- stderr (last 8000 characters)\n${run.stderr.slice(-8000)}`,
      `--- --output-last-message\n${answer ?? '(not written)'}`,
      `--- requests the fake received\n${sent.join('\n')}`,
      `--- codex log\n${codexLog(codexHome)}`,
      `--- onegate\n${gateway.onegate.output().slice(onegateMark)}`,
    ].join('\n');

    assert.equal(run.code, 0, report());
    assert.equal(answer?.trim(), EXPECTED.text.trim(), report());
    assert.ok(run.stdout.includes(EXPECTED.text.trim()), report());
    assert.ok(sent.length > 0, report());
    for (const request of sent)
      assert.match(request, EXPECTED.upstream, report());
  });
});
