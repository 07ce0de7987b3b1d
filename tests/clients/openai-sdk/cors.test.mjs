// Browser origins as the official `openai` npm client sees them (issue 11): the same
// SDK a web page would bundle (dangerouslyAllowBrowser exists for that), here sending
// the page's Origin header itself. A page OneGate does not know is refused with 403
// even with a valid key; an origin listed in "cors" works and may read the answer.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, rejection } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegatecors-3579';
const UPSTREAM_KEY = 'sk-test-corsupstream-4680';
const TEST_TIMEOUT = { timeout: 20_000 };
const ALLOWED = 'https://chat.example.org';

describe('openai SDK from browser origins through headless OneGate', () => {
  let gateway;
  const clientFrom = (origin) => new OpenAI({
    baseURL: `${gateway.url}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000,
    defaultHeaders: { Origin: origin },
  });

  before(async () => {
    gateway = await startGateway({
      kind: 'openai',
      models: ['text'],
      accessKey: ACCESS_KEY,
      upstreamKey: UPSTREAM_KEY,
      config: { cors: { origins: [ALLOWED] } },
    });
  });

  after(async () => {
    if (gateway)
      assert.equal(await gateway.stopAll(), 0, 'OneGate exits 0 on SIGTERM');
  });

  test('a page OneGate does not know is refused, even with a valid key', TEST_TIMEOUT, async () => {
    const error = await rejection(clientFrom('https://evil.example').chat.completions.create(
      { model: 'text', messages: [{ role: 'user', content: 'Hi' }] }));
    assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
    assert.equal(error.code, 'origin_not_allowed');
    assert.match(error.message, /evil\.example/);
    assert.equal(error.headers?.get?.('access-control-allow-origin') ?? null, null);
    const models = await rejection(clientFrom('http://localhost:5173').models.list());
    assert.equal(models.status, 403);
  });

  test('an allowed origin is answered, with its CORS headers', TEST_TIMEOUT, async () => {
    const { data, response } = await clientFrom(ALLOWED).chat.completions.create(
      { model: 'text', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    assert.ok(data.choices[0].message.content.length > 0);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(response.headers.get('vary'), 'Origin');

    let text = '';
    const stream = await clientFrom(ALLOWED).chat.completions.create(
      { model: 'text', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    for await (const chunk of stream)
      text += chunk.choices[0]?.delta?.content ?? '';
    assert.ok(text.length > 0);
  });

  test('the preflight a browser sends first', TEST_TIMEOUT, async () => {
    const preflight = (origin) => fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST',
                 'Access-Control-Request-Headers': 'authorization,content-type,x-stainless-lang' },
    });
    const allowed = await preflight(ALLOWED);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(allowed.headers.get('access-control-allow-headers'), /authorization.*content-type.*x-stainless-lang/);
    const refused = await preflight('https://evil.example');
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });
});
