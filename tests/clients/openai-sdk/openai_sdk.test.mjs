// The official `openai` npm client against a headless OneGate (DESIGN.md section 5).
//
// Starts fake_upstream and `onegate --headless` as child processes (binaries from the
// FAKE_UPSTREAM_BIN and ONEGATE_BIN environment variables, set by CTest), then checks
// that what the SDK gets through OneGate matches what it gets from the fake directly:
// the fake replays recorded OpenAI wire data, so "directly" is the ground truth.
// Run: node --test openai_sdk.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer, stop, waitFor, rejection, tokens } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegatesdk-6789';
const UPSTREAM_KEY = 'sk-test-upstreamsdk-3210';
const MODELS = ['text', 'tool', 'text@200', 'error-429'];
const TEST_TIMEOUT = { timeout: 20_000 };

const messages = [{ role: 'user', content: 'What is the weather in San Francisco?' }];
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];

// Everything a stream said, reassembled the way an application would.
async function drain(stream) {
  const result = { chunks: 0, contentDeltas: 0, content: '', usageChunks: [], finishReason: null, toolCalls: [] };
  for await (const chunk of stream) {
    result.chunks += 1;
    if (chunk.usage)
      result.usageChunks.push({ usage: chunk.usage, choices: chunk.choices.length });
    for (const choice of chunk.choices) {
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content.length > 0) {
        result.contentDeltas += 1;
        result.content += delta.content;
      }
      for (const call of delta.tool_calls ?? []) {
        const slot = (result.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        if (call.id)
          slot.id = call.id;
        if (call.function?.name)
          slot.name += call.function.name;
        if (call.function?.arguments)
          slot.arguments += call.function.arguments;
      }
      if (choice.finish_reason)
        result.finishReason = choice.finish_reason;
    }
  }
  return result;
}

describe('openai SDK through headless OneGate', () => {
  let workDir;
  let fake;
  let onegate;
  let client;  // through OneGate
  let direct;  // straight to the fake: the expected answers

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'onegate-openai-sdk-'));
    const env = { ...process.env, ONEGATE_TEST_KEY: ACCESS_KEY, ONEGATE_TEST_UPSTREAM_KEY: UPSTREAM_KEY };
    fake = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN,
                             ['--port', '0', '--key', UPSTREAM_KEY], env);
    const config = {
      listen: '127.0.0.1:0',
      auth: { required: true },
      access_keys: [{ name: 'sdk', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [{
        id: 'fake',
        kind: 'openai',
        base_url: `http://127.0.0.1:${fake.port}/v1`,
        api_key: 'env:ONEGATE_TEST_UPSTREAM_KEY',
        models: MODELS,
      }],
    };
    const configPath = path.join(workDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    onegate = await startServer('onegate', process.env.ONEGATE_BIN,
                                ['--headless', '--config', configPath, '--data-dir', path.join(workDir, 'data'),
                                 '--listen', '127.0.0.1:0'], env);
    client = new OpenAI({ baseURL: `http://127.0.0.1:${onegate.port}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
    direct = new OpenAI({ baseURL: `http://127.0.0.1:${fake.port}/v1`, apiKey: UPSTREAM_KEY, maxRetries: 0, timeout: 15_000 });
  }, { timeout: 40_000 });

  after(async () => {
    // A graceful stop is part of the contract: SIGTERM, exit 0.
    const onegateExit = onegate ? await stop(onegate.child) : 0;
    if (fake)
      await stop(fake.child);
    if (workDir)
      rmSync(workDir, { recursive: true, force: true });
    assert.equal(onegateExit, 0, `onegate exit after SIGTERM; its output:\n${onegate?.output()}`);
  }, { timeout: 15_000 });

  test('models.list() lists the configured model ids', TEST_TIMEOUT, async () => {
    const ids = [];
    for await (const model of client.models.list())
      ids.push(model.id);
    for (const id of MODELS)
      assert.ok(ids.includes(id), `${id} missing from ${JSON.stringify(ids)}`);
    assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0));
    const one = await client.models.retrieve('text');
    assert.equal(one.id, 'text');
  });

  test('non-stream text returns the fixture content and usage', TEST_TIMEOUT, async () => {
    const expected = await direct.chat.completions.create({ model: 'text', messages });
    const completion = await client.chat.completions.create({ model: 'text', messages });
    assert.equal(completion.object, 'chat.completion');
    const content = completion.choices[0].message.content;
    assert.ok(content.length > 0);
    assert.equal(content, expected.choices[0].message.content);
    assert.equal(completion.choices[0].finish_reason, expected.choices[0].finish_reason);
    assert.ok(completion.usage.prompt_tokens > 0 && completion.usage.completion_tokens > 0);
    assert.deepEqual(tokens(completion.usage), tokens(expected.usage));
  });

  test('stream with include_usage: deltas, one final usage chunk, clean end', TEST_TIMEOUT, async () => {
    const request = { model: 'text', messages, stream: true, stream_options: { include_usage: true } };
    const expected = await drain(await direct.chat.completions.create(request));
    const got = await drain(await client.chat.completions.create(request));
    assert.ok(got.contentDeltas > 1, `only ${got.contentDeltas} content deltas`);
    assert.equal(got.content, expected.content);
    assert.equal(got.finishReason, 'stop');
    assert.equal(got.usageChunks.length, 1, JSON.stringify(got.usageChunks));
    // OpenAI's shape: the usage comes alone, in a last chunk with no choices.
    assert.equal(got.usageChunks[0].choices, 0);
    assert.ok(got.usageChunks[0].usage.prompt_tokens > 0);
    assert.deepEqual(tokens(got.usageChunks[0].usage), tokens(expected.usageChunks[0].usage));
  });

  test('stream without include_usage has no usage chunk', TEST_TIMEOUT, async () => {
    const request = { model: 'text', messages, stream: true };
    const expected = await drain(await direct.chat.completions.create(request));
    const got = await drain(await client.chat.completions.create(request));
    assert.equal(got.usageChunks.length, 0, JSON.stringify(got.usageChunks));
    assert.ok(got.contentDeltas > 1);
    assert.equal(got.content, expected.content);
    assert.equal(got.chunks, expected.chunks);
    assert.equal(got.finishReason, 'stop');
  });

  test('tool stream reassembles the tool call', TEST_TIMEOUT, async () => {
    const request = { model: 'tool', messages, tools, stream: true };
    const expected = await drain(await direct.chat.completions.create(request));
    const got = await drain(await client.chat.completions.create(request));
    assert.equal(got.finishReason, 'tool_calls');
    assert.equal(got.toolCalls.length, 1, JSON.stringify(got.toolCalls));
    const [call] = got.toolCalls;
    assert.match(call.id, /^call_/);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call, expected.toolCalls[0]);
    const args = JSON.parse(call.arguments);
    assert.equal(typeof args, 'object');
    assert.deepEqual(args, JSON.parse(expected.toolCalls[0].arguments));

    // The SDK's own accumulator agrees.
    const final = await client.chat.completions.stream({ model: 'tool', messages, tools }).finalChatCompletion();
    const message = final.choices[0].message;
    assert.equal(message.tool_calls[0].id, call.id);
    assert.equal(message.tool_calls[0].function.name, call.name);
    assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments), args);
  });

  test('a wrong access key raises AuthenticationError (401)', TEST_TIMEOUT, async () => {
    const stranger = new OpenAI({ baseURL: `http://127.0.0.1:${onegate.port}/v1`, apiKey: 'sk-test-not-a-onegate-key', maxRetries: 0 });
    const listError = await rejection(stranger.models.list());
    assert.ok(listError instanceof OpenAI.AuthenticationError, String(listError));
    assert.equal(listError.status, 401);
    const chatError = await rejection(stranger.chat.completions.create({ model: 'text', messages }));
    assert.ok(chatError instanceof OpenAI.AuthenticationError, String(chatError));
    assert.equal(chatError.status, 401);
    assert.ok(!String(chatError.message).includes('sk-test-not-a-onegate-key'));
  });

  test('an upstream 429 raises RateLimitError', TEST_TIMEOUT, async () => {
    const expected = await rejection(direct.chat.completions.create({ model: 'error-429', messages }));
    assert.ok(expected instanceof OpenAI.RateLimitError, `the fake itself: ${expected}`);
    const error = await rejection(client.chat.completions.create({ model: 'error-429', messages }));
    assert.ok(error instanceof OpenAI.RateLimitError, String(error));
    assert.equal(error.status, 429);
    // Same dialect on both sides: the provider's error passes through.
    assert.equal(error.error?.message, expected.error?.message);
    assert.equal(error.code, expected.code);
    assert.equal(error.type, expected.type);
  });

  test('a client abort mid-stream frees the upstream and OneGate keeps serving', TEST_TIMEOUT, async () => {
    const before = fake.output().length;
    const stream = await client.chat.completions.create({ model: 'text@200', messages, stream: true });
    let deltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content)
        deltas += 1;
      if (deltas === 2)
        break;  // aborts the request
    }
    assert.equal(deltas, 2);
    await waitFor(() => fake.output().slice(before).includes('aborted'), 5_000, 'the fake to see the abort');
    const completion = await client.chat.completions.create({ model: 'text', messages });
    assert.ok(completion.choices[0].message.content.length > 0);
    assert.equal(onegate.child.exitCode, null, 'onegate is still running');
  });
});
