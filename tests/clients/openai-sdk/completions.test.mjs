// The official `openai` npm client's legacy Completions API (client.completions.create,
// what editor autocomplete uses) against a headless OneGate's POST /v1/completions
// (issue 10), once per provider kind behind it.
//
// FAKE_KIND (set by CTest): openai (passed through: the fake answers the reference
// example of the Completions API, streamed word by word), or anthropic, gemini, ollama
// (translated through chat: the expected text is what the same gateway says through
// /v1/chat/completions for the same scenario).
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN, FAKE_KIND.
// Run: FAKE_KIND=gemini node --test completions.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, rejection } from '../harness.mjs';

const KIND = process.env.FAKE_KIND ?? 'openai';
const PASSTHROUGH = KIND === 'openai';
const ACCESS_KEY = 'sk-test-onegatecompl-1470';
const UPSTREAM_KEY = 'sk-test-complupstream-2581';
const TEST_TIMEOUT = { timeout: 20_000 };
const PROMPT = 'def fibonacci(n):';

// tests/data/fixtures/openai/completions_response_text.composed.json
const REFERENCE = { text: '\n\nThis is indeed a test', finish: 'length', usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } };

describe(`openai SDK completions through OneGate to a ${KIND} provider (${PASSTHROUGH ? 'passed through' : 'translated'})`, () => {
  let gateway;
  let client;
  let expected;  // { text, streamText }

  before(async () => {
    gateway = await startGateway({
      kind: KIND,
      models: ['text'],
      accessKey: ACCESS_KEY,
      upstreamKey: UPSTREAM_KEY,
      config: { router: { max_attempts: 1 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
    if (PASSTHROUGH) {
      expected = { text: REFERENCE.text, streamText: REFERENCE.text };
      return;
    }
    const messages = [{ role: 'user', content: PROMPT }];
    const chat = await client.chat.completions.create({ model: 'text', messages });
    let streamText = '';
    for await (const chunk of await client.chat.completions.create({ model: 'text', messages, stream: true }))
      streamText += chunk.choices[0]?.delta?.content ?? '';
    expected = { text: chat.choices[0].message.content, streamText };
    assert.ok(expected.text && expected.streamText, JSON.stringify(expected));
  }, { timeout: 40_000 });

  after(async () => {
    if (gateway)
      assert.equal(await gateway.stopAll(), 0, 'OneGate exits 0 on SIGTERM');
  });

  test('a completion, whole', TEST_TIMEOUT, async () => {
    const completion = await client.completions.create({ model: 'text', prompt: PROMPT, max_tokens: 16 });
    assert.equal(completion.object, 'text_completion');
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].text, expected.text);
    assert.equal(completion.choices[0].index, 0);
    assert.ok(['stop', 'length'].includes(completion.choices[0].finish_reason), completion.choices[0].finish_reason);
    if (PASSTHROUGH)
      assert.deepEqual(completion.usage, REFERENCE.usage);
    else
      assert.ok(completion.usage.completion_tokens > 0, JSON.stringify(completion.usage));
  });

  test('a completion, streamed, with usage', TEST_TIMEOUT, async () => {
    let text = '';
    let finish = null;
    let usage = null;
    for await (const chunk of await client.completions.create(
      { model: 'text', prompt: PROMPT, max_tokens: 16, stream: true, stream_options: { include_usage: true } })) {
      assert.equal(chunk.object, 'text_completion');
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    assert.equal(text, expected.streamText);
    assert.ok(['stop', 'length'].includes(finish), String(finish));
    assert.ok(usage && usage.total_tokens > 0, JSON.stringify(usage));
  });

  test('echo puts the prompt first', TEST_TIMEOUT, async () => {
    const completion = await client.completions.create({ model: 'text', prompt: PROMPT, echo: true, max_tokens: 16 });
    if (PASSTHROUGH)
      assert.equal(completion.choices[0].text, REFERENCE.text);  // the server's business
    else
      assert.equal(completion.choices[0].text, PROMPT + expected.text);
  });

  test('a suffix (fill-in-the-middle) needs a completions endpoint', TEST_TIMEOUT, async () => {
    const request = client.completions.create({ model: 'text', prompt: PROMPT, suffix: '\n    return a', max_tokens: 16 });
    if (PASSTHROUGH) {
      const completion = await request;
      assert.equal(completion.choices[0].text, REFERENCE.text);
      return;
    }
    const error = await rejection(request);
    assert.ok(error instanceof OpenAI.BadRequestError, String(error));
    assert.equal(error.param, 'suffix');
  });

  test('an unknown model is a 404', TEST_TIMEOUT, async () => {
    const error = await rejection(client.completions.create({ model: 'nope', prompt: PROMPT }));
    assert.ok(error instanceof OpenAI.NotFoundError, String(error));
  });
});
