// The real Claude Code CLI (`claude -p`, npm @anthropic-ai/claude-code) through a headless
// OneGate's Anthropic Messages endpoint to a fake provider (DESIGN.md sections 3 and 5).
//
// Claude Code reaches for the internet (telemetry, updates, feature flags), so it runs
// only inside a network namespace that has nothing but loopback: started normally, this
// script re-executes itself under `unshare --net` or fails saying why (../netns.mjs), and
// starts fake_upstream, OneGate and claude inside.
//
// FAKE_KIND (openai or anthropic, set by CTest) is the provider kind behind OneGate: an
// anthropic provider gets Claude Code's body as sent (model unpinned); an openai one gets
// it translated to Chat Completions. The CLI must exit 0 and print the text the fake's
// recorded stream carries, and the fake must have received the requests.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN, FAKE_KIND, ONEGATE_UNSHARE
// and ONEGATE_IP (the programs' paths).
// Run: FAKE_KIND=anthropic node --test-reporter=spec claude_code.test.mjs  (as root, from
// the folder holding node_modules/@anthropic-ai/claude-code)

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareLoopback, reexecInLoopbackNamespace, runCli } from '../netns.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// Outside the namespace this re-executes the script inside one (or fails saying why) and
// never returns.
reexecInLoopbackNamespace(import.meta.url, 'Claude Code');

// From here on: inside the namespace.
const { after, before, describe, test } = await import('node:test');
const { startGateway } = await import('../harness.mjs');

const KIND = process.env.FAKE_KIND ?? 'anthropic';
const ACCESS_KEY = 'sk-test-onegateclaude-6789';
const UPSTREAM_KEY = 'sk-test-claudeupstrea-3210';
// Every model Claude Code may pick (main, small/fast, the three families) is set to one
// id that reaches the fake's `text` scenario: pinned, or an alias routed there.
const PINNED_MODEL = 'fake/text';
const CLAUDE_ALIAS = 'claude-sonnet-4-5';
const CLAUDE_TIMEOUT_MS = 120_000;

// The text of each fake's recorded `text` stream (Claude Code always streams):
// tests/data/fixtures/anthropic/messages_stream_text_recorded.sse and
// tests/data/fixtures/openai/chat_stream_text_include_usage.sse.
const EXPECTED = {
  anthropic: {
    text: "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!",
    upstream: /^POST \/v1\/messages(\?beta=true)? model=text$/,
  },
  openai: {
    text: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
    upstream: /^POST \/v1\/chat\/completions model=text$/,
  },
}[KIND];

// The lines of Claude Code's --debug-file that say what it asked and what failed (the
// rest is start-up chatter), at most the last 60.
function debugLines(file) {
  if (!existsSync(file))
    return '(no debug log)';
  return readFileSync(file, 'utf8').split('\n').filter((line) => /\[(ERROR|WARN|API[^\]]*)\]/.test(line))
    .slice(-60).join('\n');
}

// Runs `claude args` with `env` alone (nothing inherited but PATH).
function runClaude(args, env) {
  const wrapper = path.join(here, 'node_modules', '@anthropic-ai', 'claude-code', 'cli-wrapper.cjs');
  assert.ok(existsSync(wrapper), `${wrapper} missing: run npm ci here first`);
  return runCli(process.execPath, [wrapper, ...args], { env, cwd: env.HOME, timeoutMs: CLAUDE_TIMEOUT_MS });
}

describe(`claude -p through headless OneGate to a ${KIND} provider, loopback only`, () => {
  let gateway;

  before(async () => {
    assert.ok(EXPECTED, `FAKE_KIND=${KIND}: no expectations for this kind`);
    prepareLoopback();
    gateway = await startGateway({
      kind: KIND, models: ['text'], accessKey: ACCESS_KEY, upstreamKey: UPSTREAM_KEY,
      config: { models: [{ id: CLAUDE_ALIAS, routes: [{ provider: 'fake', model: 'text' }] }] },
      fakeArgs: ['--log-requests'],
    });
  }, { timeout: 40_000 });

  after(async () => {
    const output = gateway?.onegate?.output() ?? '';
    const onegateExit = gateway ? await gateway.stopAll() : 0;
    assert.equal(onegateExit, 0, `onegate exit after SIGTERM; its output:\n${output}`);
  }, { timeout: 15_000 });

  // Runs `claude -p "Say hello"` with every model setting at `model` and checks the
  // answer and what reached the fake.
  async function sayHello(model) {
    const home = mkdtempSync(path.join(gateway.workDir, 'home-'));
    const debugFile = path.join(home, 'claude-debug.log');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      TMPDIR: home,
      ANTHROPIC_BASE_URL: gateway.url,
      ANTHROPIC_AUTH_TOKEN: ACCESS_KEY,
      ANTHROPIC_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    };
    const mark = gateway.fake.output().length;
    const run = await runClaude(['-p', 'Say hello', '--debug-file', debugFile], env);
    const sent = [...gateway.fake.output().slice(mark).matchAll(/^request (.*)$/gm)].map((match) => match[1]);
    const report = () => [
      `claude -p with model ${model}: exit ${run.code ?? run.signal}${run.timedOut ? ` (killed after ${CLAUDE_TIMEOUT_MS} ms)` : ''}`,
      `--- stdout\n${run.stdout}`,
      `--- stderr\n${run.stderr}`,
      `--- requests the fake received\n${sent.join('\n')}`,
      `--- claude debug log: API and ERROR lines\n${debugLines(debugFile)}`,
      `--- onegate\n${gateway.onegate.output()}`,
    ].join('\n');

    assert.equal(run.code, 0, report());
    assert.equal(run.stdout.trim(), EXPECTED.text.trim(), report());
    assert.ok(sent.length > 0, report());
    for (const request of sent)
      assert.match(request, EXPECTED.upstream, report());
  }

  // A provider-pinned id, which Claude Code does not recognise as a Claude model.
  test('claude -p "Say hello" with a pinned model (fake/text)', { timeout: CLAUDE_TIMEOUT_MS + 30_000 }, async () => {
    await sayHello(PINNED_MODEL);
  });

  // An alias named like a Claude model, which Claude Code treats as one.
  test(`claude -p "Say hello" with a Claude model id (${CLAUDE_ALIAS})`, { timeout: CLAUDE_TIMEOUT_MS + 30_000 }, async () => {
    await sayHello(CLAUDE_ALIAS);
  });
});
