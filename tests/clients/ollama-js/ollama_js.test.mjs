// The official `ollama` npm client (ollama-js) against OneGate's Ollama-compatible API
// (issue 10): what Ollama-only tools send, through OneGate to an openai-kind fake.
// The surface is on a loopback port, so the client sends no key, as such tools do.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN.
// Run: node --test ollama_js.test.mjs  (from the folder holding node_modules/ollama)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { startGateway, rejection } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegateolljs-4321';
const UPSTREAM_KEY = 'sk-test-olljsupstream-8765';
const TEST_TIMEOUT = { timeout: 20_000 };

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_current_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

describe('ollama-js through OneGate\'s Ollama-compatible API to an openai provider', () => {
  let gateway;
  let ollama;

  before(async () => {
    gateway = await startGateway({
      kind: 'openai',
      models: ['text', 'tool'],
      accessKey: ACCESS_KEY,
      upstreamKey: UPSTREAM_KEY,
      config: {
        router: { max_attempts: 1 },
        ollama: { listen: '127.0.0.1:0' },
        models: [{ id: 'text', context_window: 64000, capabilities: ['completion', 'tools', 'vision'] }],
      },
    });
    const match = /^onegate Ollama-compatible API on (http:\/\/127\.0\.0\.1:\d+)\r?$/m.exec(gateway.onegate.output());
    assert.ok(match, gateway.onegate.output());
    ollama = new Ollama({ host: match[1] });
  });

  after(async () => {
    if (gateway)
      assert.equal(await gateway.stopAll(), 0, 'OneGate exits 0 on SIGTERM');
  });

  test('version, list, show and ps describe the served models', TEST_TIMEOUT, async () => {
    const { version } = await ollama.version();
    const [major, minor, patch] = version.split('.').map(Number);
    assert.ok(major > 0 || minor > 6 || (minor === 6 && patch >= 4), version);

    const { models } = await ollama.list();
    assert.deepEqual(models.map((model) => model.name).sort(), ['text', 'tool']);
    for (const model of models)
      assert.match(model.digest, /^[0-9a-f]{64}$/);

    const shown = await ollama.show({ model: 'text' });
    assert.deepEqual(shown.capabilities, ['completion', 'tools', 'vision']);
    const architecture = shown.model_info['general.architecture'];
    assert.equal(shown.model_info[`${architecture}.context_length`], 64000);

    await ollama.generate({ model: 'tool', prompt: '' });  // Ollama's "load" call
    const running = await ollama.ps();
    assert.ok(running.models.some((model) => model.name === 'tool'), JSON.stringify(running));
  });

  test('chat, whole and streamed', TEST_TIMEOUT, async () => {
    const whole = await ollama.chat({ model: 'text', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(whole.message.role, 'assistant');
    assert.ok(whole.message.content.length > 0);
    assert.equal(whole.done, true);
    assert.equal(whole.done_reason, 'stop');
    assert.ok(whole.prompt_eval_count > 0 && whole.eval_count > 0, JSON.stringify(whole));

    const parts = [];
    for await (const part of await ollama.chat({ model: 'text', messages: [{ role: 'user', content: 'Hi' }], stream: true }))
      parts.push(part);
    assert.ok(parts.length >= 2);
    assert.ok(parts.slice(0, -1).every((part) => part.done === false));
    const last = parts.at(-1);
    assert.equal(last.done, true);
    assert.ok(last.eval_count > 0);
    assert.ok(parts.map((part) => part.message.content).join('').length > 0);
  });

  test('generate, streamed, with a system prompt', TEST_TIMEOUT, async () => {
    let text = '';
    let done;
    for await (const part of await ollama.generate({ model: 'text', prompt: 'Hi', system: 'Be brief', stream: true })) {
      text += part.response;
      done = part;
    }
    assert.ok(text.length > 0);
    assert.equal(done.done, true);
  });

  test('a tool call and its result, over two turns', TEST_TIMEOUT, async () => {
    const messages = [{ role: 'user', content: 'Weather in Boston?' }];
    const first = await ollama.chat({ model: 'tool', messages, tools: [weatherTool] });
    const calls = first.message.tool_calls;
    assert.ok(calls?.length > 0, JSON.stringify(first));
    assert.equal(typeof calls[0].function.arguments, 'object');
    messages.push(first.message, { role: 'tool', content: '22 degrees', tool_name: calls[0].function.name });
    const second = await ollama.chat({ model: 'text', messages, tools: [weatherTool] });
    assert.ok(second.message.content.length > 0);
  });

  test('embed and the older embeddings', TEST_TIMEOUT, async () => {
    const { embeddings, model } = await ollama.embed({ model: 'text', input: ['one', 'two'] });
    assert.equal(model, 'text');
    assert.equal(embeddings.length, 2);
    assert.ok(embeddings[0].length > 0 && embeddings[0].every(Number.isFinite));
    const { embedding } = await ollama.embeddings({ model: 'text', prompt: 'one' });
    assert.deepEqual(embedding, embeddings[0]);
  });

  test('errors arrive as Ollama errors the client raises', TEST_TIMEOUT, async () => {
    const missing = await rejection(ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] }));
    assert.equal(missing.status_code, 404, String(missing));
    assert.match(missing.error, /nope/);
    const fim = await rejection(ollama.generate({ model: 'text', prompt: 'a', suffix: 'b' }));
    assert.equal(fim.status_code, 400);
    assert.match(fim.error, /\/v1\/completions/);
    const pull = await rejection(ollama.pull({ model: 'llama3' }));
    assert.equal(pull.status_code, 404);
  });
});
