// The router as a client sees it: the official `openai` npm client (no retries of its
// own) talks to a headless OneGate whose model `text` is one pool over two fake
// providers. Midway one provider starts failing (500s, then resets); the client must
// never see an error, and once that provider recovers it serves again.
// Run: node --test router.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer, stop, waitFor } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegaterouter-4321';
const messages = [{ role: 'user', content: 'What is the weather in San Francisco?' }];

// Sends a steering line to a fake and waits for its `ok`.
async function steer(fake, line) {
  const before = (fake.output().match(/^ok$/gm) ?? []).length;
  fake.child.stdin.write(`${line}\n`);
  await waitFor(() => (fake.output().match(/^ok$/gm) ?? []).length > before, 5_000, `fake to take "${line}"`);
}

describe('openai SDK through OneGate while a pool member fails', () => {
  let workDir;
  let fakeA;
  let fakeB;
  let onegate;
  let client;

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'onegate-router-sdk-'));
    const env = { ...process.env, ONEGATE_TEST_KEY: ACCESS_KEY };
    fakeA = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN, ['--port', '0'], env, { stdin: true });
    fakeB = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN, ['--port', '0'], env, { stdin: true });
    const config = {
      listen: '127.0.0.1:0',
      access_keys: [{ name: 'router-sdk', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [
        { id: 'a', kind: 'openai', base_url: `http://127.0.0.1:${fakeA.port}/v1`, proxy: 'none', models: ['text'] },
        { id: 'b', kind: 'openai', base_url: `http://127.0.0.1:${fakeB.port}/v1`, proxy: 'none', models: ['text'] },
      ],
      // A short cooldown so the recovered provider is probed again within the test.
      router: { breaker: { failures: 2, cooldown_ms: 300, max_cooldown_ms: 600 } },
    };
    const configPath = path.join(workDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    onegate = await startServer('onegate', process.env.ONEGATE_BIN,
                                ['--headless', '--config', configPath, '--data-dir', path.join(workDir, 'data')], env);
    client = new OpenAI({ baseURL: `http://127.0.0.1:${onegate.port}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
  }, { timeout: 40_000 });

  after(async () => {
    const exit = onegate ? await stop(onegate.child) : 0;
    for (const fake of [fakeA, fakeB]) {
      if (fake)
        await stop(fake.child);
    }
    if (workDir)
      rmSync(workDir, { recursive: true, force: true });
    assert.equal(exit, 0, `onegate exit after SIGTERM; its output:\n${onegate?.output()}`);
  }, { timeout: 15_000 });

  // One request, stream or not, checked whole; returns the provider that answered.
  async function ask(stream) {
    if (!stream) {
      const { data, response } = await client.chat.completions.create({ model: 'text', messages }).withResponse();
      assert.ok(data.choices[0].message.content.length > 0);
      return response.headers.get('x-onegate-provider');
    }
    const { data, response } = await client.chat.completions.create({ model: 'text', messages, stream: true })
      .withResponse();
    let content = '';
    let finish = null;
    for await (const chunk of data) {
      content += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(content.length > 0);
    assert.equal(finish, 'stop');
    return response.headers.get('x-onegate-provider');
  }

  test('no request fails while provider a fails, and a serves again once it recovers', { timeout: 60_000 },
    async () => {
      const served = { 'a/text': 0, 'b/text': 0 };
      for (let i = 0; i < 10; ++i)
        served[await ask(i % 2 === 1)] += 1;
      assert.ok(served['a/text'] > 0 && served['b/text'] > 0, `both serve at first: ${JSON.stringify(served)}`);

      // a breaks: first plain 500s, then connections reset mid-answer before content.
      await steer(fakeA, 'fail error-500');
      const duringFailure = { 'a/text': 0, 'b/text': 0 };
      for (let i = 0; i < 12; ++i)
        duringFailure[await ask(i % 2 === 0)] += 1;
      await steer(fakeA, 'fail early-error');
      for (let i = 0; i < 8; ++i)
        duringFailure[await ask(true)] += 1;
      assert.equal(duringFailure['a/text'], 0, 'nothing is answered by the failing provider');
      assert.equal(duringFailure['b/text'], 20);

      // a recovers: after its breaker's cooldown a probe goes there and it serves again.
      await steer(fakeA, 'fail off');
      let recovered = false;
      const deadline = Date.now() + 20_000;
      while (!recovered && Date.now() < deadline) {
        recovered = (await ask(false)) === 'a/text';
        if (!recovered)
          await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(recovered, 'provider a serves again after it recovered');
    });
});
