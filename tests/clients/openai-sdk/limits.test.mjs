// Access-key limits as the official `openai` npm client sees them (issue 11): the
// x-ratelimit-* headers on every answer, a 429 RateLimitError naming the limit with
// Retry-After, a budget stop the SDK does not retry (x-should-retry: false), and an
// expired key refused as AuthenticationError. One headless OneGate, one key per limit.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, rejection } from '../harness.mjs';

const UPSTREAM_KEY = 'sk-test-limitsup-2468';
const KEYS = {
  rpm: 'sk-test-limits-rpm-1357',
  tpm: 'sk-test-limits-tpm-2468',
  solo: 'sk-test-limits-solo-3579',
  budget: 'sk-test-limits-budget-46',
  expired: 'sk-test-limits-expired-5',
};
const TEST_TIMEOUT = { timeout: 30_000 };
const ASK = { model: 'text', messages: [{ role: 'user', content: 'Hi' }] };

describe('openai SDK against access-key limits in headless OneGate', () => {
  let gateway;
  // Every HTTP call the SDK makes, so retries are seen, not guessed.
  let calls = 0;
  const clientFor = (name, options = {}) => new OpenAI({
    baseURL: `${gateway.url}/v1`, apiKey: KEYS[name], maxRetries: 0, timeout: 15_000,
    fetch: (...args) => { calls += 1; return fetch(...args); },
    ...options,
  });

  before(async () => {
    const env = Object.fromEntries(Object.entries(KEYS).map(([name, key]) => [`LIMITS_KEY_${name.toUpperCase()}`, key]));
    const key = (name, limits) => ({ name, key: `env:LIMITS_KEY_${name.toUpperCase()}`, ...limits });
    gateway = await startGateway({
      kind: 'openai',
      models: ['text', 'stall'],
      accessKey: 'sk-test-limits-unused-9',
      upstreamKey: UPSTREAM_KEY,
      env,
      config: {
        access_keys: [
          key('rpm', { rpm: 2 }),
          key('tpm', { tpm: 10 }),
          key('solo', { max_concurrent: 1 }),
          // The recorded answer costs (14 * 1 + 37 * 2) / 1e6 = 0.000088: one request
          // spends the whole budget.
          key('budget', { budget: { monthly: 0.00005, warn_at: 0.5 } }),
          key('expired', { expires: '2020-01-01T00:00:00Z' }),
        ],
        models: [{ id: 'text', prices: { input: 1, output: 2 } }],
      },
    });
  });

  after(async () => {
    if (gateway)
      assert.equal(await gateway.stopAll(), 0, 'OneGate exits 0 on SIGTERM');
  });

  test('requests per minute: headers on each answer, then RateLimitError', TEST_TIMEOUT, async () => {
    const client = clientFor('rpm');
    const first = await client.chat.completions.create(ASK).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(first.response.headers.get('x-ratelimit-remaining-requests'), '1');
    assert.match(first.response.headers.get('x-ratelimit-reset-requests'), /^\d+(\.\d+)?s$|^1m0s$/);
    const second = await client.chat.completions.create(ASK).withResponse();
    assert.equal(second.response.headers.get('x-ratelimit-remaining-requests'), '0');

    const error = await rejection(client.chat.completions.create(ASK));
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.type, 'requests');
    assert.match(error.message, /requests per minute \(RPM\): limit 2/);
    const retryAfter = Number(error.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(error.headers.get('x-ratelimit-remaining-requests'), '0');
  });

  test('tokens per minute: counted when an answer finishes', TEST_TIMEOUT, async () => {
    const client = clientFor('tpm');
    const first = await client.chat.completions.create(ASK).withResponse();
    assert.equal(first.response.headers.get('x-ratelimit-limit-tokens'), '10');
    assert.equal(first.data.usage.total_tokens, 51);
    const error = await rejection(client.chat.completions.create(ASK));
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.equal(error.type, 'tokens');
    assert.equal(error.headers.get('x-ratelimit-remaining-tokens'), '0');
  });

  test('requests at once: a second call while a stream runs is refused', TEST_TIMEOUT, async () => {
    const client = clientFor('solo');
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'stall', messages: [{ role: 'user', content: 'Hi' }], stream: true }, { signal: controller.signal });
    const reader = stream[Symbol.asyncIterator]();
    await reader.next();  // the stalled stream's first event: it is in flight
    const error = await rejection(client.chat.completions.create(ASK));
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.equal(error.code, 'concurrency_limit_exceeded');
    controller.abort();
    await reader.next().catch(() => {});  // ends or throws, depending on when the abort lands
    // Freed once OneGate has seen the client go; the SDK's own retries wait it out.
    const after = await clientFor('solo', { maxRetries: 5 }).chat.completions.create(ASK);
    assert.ok(after.choices[0].message.content.length > 0);
  });

  test('a monthly budget stop is final: the SDK does not retry it', TEST_TIMEOUT, async () => {
    await clientFor('budget').chat.completions.create(ASK);
    calls = 0;
    const error = await rejection(clientFor('budget', { maxRetries: 2 }).chat.completions.create(ASK));
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.equal(error.code, 'budget_exceeded');
    assert.equal(error.type, 'insufficient_quota');
    assert.match(error.message, /monthly budget of 0\.00 \(spent 0\.00 this month/);
    assert.equal(error.headers.get('x-should-retry'), 'false');
    assert.equal(calls, 1, 'the SDK sent the request once');
  });

  test('an expired key is refused everywhere', TEST_TIMEOUT, async () => {
    const client = clientFor('expired');
    const chat = await rejection(client.chat.completions.create(ASK));
    assert.ok(chat instanceof OpenAI.AuthenticationError, String(chat));
    assert.equal(chat.code, 'access_key_expired');
    assert.match(chat.message, /expired at 2020-01-01T00:00:00Z/);
    const models = await rejection(client.models.list());
    assert.equal(models.status, 401);
  });
});
