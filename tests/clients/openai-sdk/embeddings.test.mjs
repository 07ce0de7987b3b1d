// The official `openai` npm client's embeddings API (client.embeddings.create) against a
// headless OneGate's POST /v1/embeddings (issue 10), once per provider kind behind it.
//
// FAKE_KIND (set by CTest) picks the provider: openai and azure (passed through), gemini
// (batchEmbedContents) and ollama (/api/embed), each a `fake_upstream --kind KIND` that
// works its vectors out from the input text; anthropic has no embeddings API (400).
// The SDK asks for base64 unless told otherwise and decodes it to numbers itself, so the
// same input must give the same numbers with and without encoding_format: 'float'.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN, FAKE_KIND.
// Run: FAKE_KIND=gemini node --test embeddings.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, rejection } from '../harness.mjs';

const KIND = process.env.FAKE_KIND ?? 'openai';
const ACCESS_KEY = 'sk-test-onegateemb-2468';
const UPSTREAM_KEY = 'sk-test-embupstream-1357';
const TEST_TIMEOUT = { timeout: 20_000 };
const MODEL = 'text';
// Gemini's embeddings answer carries no token count; the others do.
const REPORTS_TOKENS = KIND !== 'gemini';

describe(`openai SDK embeddings through OneGate to a ${KIND} provider`, () => {
  let gateway;
  let client;

  before(async () => {
    gateway = await startGateway({
      kind: KIND,
      models: [MODEL],
      accessKey: ACCESS_KEY,
      upstreamKey: UPSTREAM_KEY,
      config: { router: { max_attempts: 1 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
  });

  after(async () => {
    if (gateway)
      assert.equal(await gateway.stopAll(), 0, 'OneGate exits 0 on SIGTERM');
  });

  if (KIND === 'anthropic') {
    test('a provider without an embeddings API is a clear 400', TEST_TIMEOUT, async () => {
      const error = await rejection(client.embeddings.create({ model: MODEL, input: 'hello' }));
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.match(error.message, /no embeddings API/);
    });
    return;
  }

  test('one string, as floats', TEST_TIMEOUT, async () => {
    const result = await client.embeddings.create({ model: MODEL, input: 'hello world', encoding_format: 'float' });
    assert.equal(result.object, 'list');
    assert.equal(result.data.length, 1);
    assert.equal(result.data[0].object, 'embedding');
    assert.equal(result.data[0].index, 0);
    assert.ok(Array.isArray(result.data[0].embedding));
    assert.ok(result.data[0].embedding.length > 0);
    assert.ok(result.data[0].embedding.every((value) => typeof value === 'number' && Number.isFinite(value)));
    if (REPORTS_TOKENS)
      assert.ok(result.usage.prompt_tokens > 0, JSON.stringify(result.usage));
    assert.equal(result.usage.total_tokens, result.usage.prompt_tokens);
  });

  test('the SDK default (base64) decodes to the same numbers', TEST_TIMEOUT, async () => {
    const floats = await client.embeddings.create({ model: MODEL, input: 'hello world', encoding_format: 'float' });
    const decoded = await client.embeddings.create({ model: MODEL, input: 'hello world' });
    const expected = floats.data[0].embedding;
    const got = decoded.data[0].embedding;
    assert.equal(got.length, expected.length);
    // base64 carries float32: equal to float32 precision.
    got.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= 1e-6 * Math.max(1, Math.abs(expected[i])),
                                        `component ${i}: ${value} vs ${expected[i]}`));
  });

  test('a batch keeps its order, and dimensions is honoured', TEST_TIMEOUT, async () => {
    const inputs = ['first', 'second', 'third'];
    const batch = await client.embeddings.create({ model: MODEL, input: inputs, encoding_format: 'float' });
    assert.deepEqual(batch.data.map((item) => item.index), [0, 1, 2]);
    for (const [i, input] of inputs.entries()) {
      const single = await client.embeddings.create({ model: MODEL, input, encoding_format: 'float' });
      assert.deepEqual(batch.data[i].embedding, single.data[0].embedding, `input ${i}`);
    }
    const short = await client.embeddings.create({ model: MODEL, input: 'hello', dimensions: 2, encoding_format: 'float' });
    assert.equal(short.data[0].embedding.length, 2);
  });

  test('token input: passed through, or a 400 where the provider takes text only', TEST_TIMEOUT, async () => {
    const request = client.embeddings.create({ model: MODEL, input: [1, 2, 3], encoding_format: 'float' });
    if (KIND === 'openai' || KIND === 'azure') {
      const result = await request;
      assert.equal(result.data.length, 1);
    } else {
      const error = await rejection(request);
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.param, 'input');
    }
  });

  test('bad requests are refused by OneGate in OpenAI shape', TEST_TIMEOUT, async () => {
    const empty = await rejection(client.embeddings.create({ model: MODEL, input: '' }));
    assert.ok(empty instanceof OpenAI.BadRequestError, String(empty));
    assert.equal(empty.param, 'input');
    const format = await rejection(client.embeddings.create({ model: MODEL, input: 'x', encoding_format: 'hex' }));
    assert.equal(format.param, 'encoding_format');
    const missing = await rejection(client.embeddings.create({ model: 'nope', input: 'x' }));
    assert.ok(missing instanceof OpenAI.NotFoundError, String(missing));
  });
});
