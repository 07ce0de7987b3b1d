// The official `openai` npm client against a headless OneGate whose provider is Google
// Gemini (DESIGN.md section 5, issue 3).
//
// Starts `fake_upstream --kind gemini` (recorded Gemini answers; the model in the URL path
// picks the scenario, the key must come in x-goog-api-key) and `onegate --headless` as
// child processes (binaries from FAKE_UPSTREAM_BIN and ONEGATE_BIN, set by CTest). The SDK
// speaks OpenAI to OneGate and must not notice Gemini behind it. Gemini's wire format is
// not OpenAI's, so the expected values are the recordings' own (tests/data/fixtures/gemini,
// named at each test) rather than a direct call.
// Run: node --test gemini.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer, stop, rejection } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegategemini-6789';
const UPSTREAM_KEY = 'sk-test-geminiupstrea-3210';
const MODELS = ['text', 'tool', 'parallel-tools', 'thinking', 'blocked', 'midstream-error',
                'error-401', 'error-404', 'error-429'];
const TEST_TIMEOUT = { timeout: 20_000 };

const messages = [{ role: 'user', content: 'Which theaters in Mountain View show Barbie movie?' }];
const tools = [{
  type: 'function',
  function: {
    name: 'find_theaters',
    description: 'find theaters based on location and optionally movie title',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, movie: { type: 'string' } },
      required: ['location'],
      additionalProperties: false,
    },
  },
}];

// Everything a stream said, reassembled the way an application would.
async function drain(stream) {
  const result = { chunks: 0, contentDeltas: 0, content: '', reasoning: '', usageChunks: [], finishReason: null,
                   toolCalls: [], order: [] };
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
      if (typeof delta.reasoning_content === 'string')
        result.reasoning += delta.reasoning_content;
      for (const call of delta.tool_calls ?? []) {
        // Strict clients need a call's id and name before any of its arguments.
        if (!result.toolCalls[call.index])
          assert.ok(call.id && call.function?.name, `first delta of call ${call.index} lacks id or name`);
        const slot = (result.toolCalls[call.index] ??= { id: '', name: '', arguments: '', signature: '' });
        if (call.id)
          slot.id = call.id;
        if (call.function?.name)
          slot.name += call.function.name;
        if (call.function?.arguments)
          slot.arguments += call.function.arguments;
        if (call.extra_content?.google?.thought_signature)
          slot.signature = call.extra_content.google.thought_signature;
      }
      if (choice.finish_reason)
        result.finishReason = choice.finish_reason;
    }
  }
  return result;
}

describe('openai SDK through headless OneGate to Gemini', () => {
  let workDir;
  let fake;
  let onegate;
  let client;

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'onegate-gemini-sdk-'));
    const env = { ...process.env, ONEGATE_TEST_KEY: ACCESS_KEY, ONEGATE_TEST_UPSTREAM_KEY: UPSTREAM_KEY };
    fake = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN,
                             ['--kind', 'gemini', '--port', '0', '--key', UPSTREAM_KEY], env);
    const config = {
      listen: '127.0.0.1:0',
      // One upstream answer per request, relayed as the adapter maps it: retries and
      // key cooldowns are the router's and have their own suite (tst_router_e2e).
      router: { max_attempts: 1, breaker: { cooldown_ms: 1 } },
      auth: { required: true },
      access_keys: [{ name: 'sdk', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [{
        id: 'gem',
        kind: 'gemini',
        base_url: `http://127.0.0.1:${fake.port}`,
        api_key: 'env:ONEGATE_TEST_UPSTREAM_KEY',
        proxy: 'none',
        models: MODELS,
      }],
    };
    const configPath = path.join(workDir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    onegate = await startServer('onegate', process.env.ONEGATE_BIN,
                                ['--headless', '--config', configPath, '--data-dir', path.join(workDir, 'data'),
                                 '--listen', '127.0.0.1:0'], env);
    client = new OpenAI({ baseURL: `http://127.0.0.1:${onegate.port}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
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

  test('non-stream text: content, finish and usage of the recording', TEST_TIMEOUT, async () => {
    // generate_content_response_text.json
    const completion = await client.chat.completions.create({ model: 'text', messages, temperature: 0.2 });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content,
                 "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n");
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.prompt_tokens, 7);
    assert.equal(completion.usage.completion_tokens, 22);
    assert.equal(completion.usage.total_tokens, 29);
  });

  test('stream with include_usage: deltas, one final usage chunk, clean end', TEST_TIMEOUT, async () => {
    // stream_generate_content_alt_sse.sse (CRLF-framed, three text chunks)
    const got = await drain(await client.chat.completions.create(
      { model: 'text', messages, stream: true, stream_options: { include_usage: true } }));
    assert.equal(got.contentDeltas, 3);
    assert.equal(got.content, 'The capital of Wyoming is **Cheyenne**.\n');
    assert.equal(got.finishReason, 'stop');
    assert.equal(got.usageChunks.length, 1, JSON.stringify(got.usageChunks));
    assert.equal(got.usageChunks[0].choices, 0);
    assert.deepEqual({ p: got.usageChunks[0].usage.prompt_tokens, c: got.usageChunks[0].usage.completion_tokens,
                       t: got.usageChunks[0].usage.total_tokens }, { p: 7, c: 10, t: 17 });
  });

  test('stream without include_usage has no usage chunk', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'text', messages, stream: true }));
    assert.equal(got.usageChunks.length, 0, JSON.stringify(got.usageChunks));
    assert.equal(got.content, 'The capital of Wyoming is **Cheyenne**.\n');
  });

  test('non-stream tool call', TEST_TIMEOUT, async () => {
    // function_call_response_cookbook.json: finishReason STOP with a functionCall part
    const completion = await client.chat.completions.create({ model: 'tool', messages, tools });
    const message = completion.choices[0].message;
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.content, null);
    assert.equal(message.tool_calls.length, 1);
    assert.match(message.tool_calls[0].id, /^call_[A-Za-z0-9]{24}$/);
    assert.equal(message.tool_calls[0].type, 'function');
    assert.equal(message.tool_calls[0].function.name, 'find_theaters');
    assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments),
                     { location: 'Mountain View, CA', movie: 'Barbie' });
  });

  test('streamed tool call reassembles, also through the SDK accumulator', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'tool', messages, tools, stream: true }));
    assert.equal(got.finishReason, 'tool_calls');
    assert.equal(got.toolCalls.length, 1, JSON.stringify(got.toolCalls));
    const [call] = got.toolCalls;
    assert.match(call.id, /^call_/);
    assert.equal(call.name, 'find_theaters');
    const args = JSON.parse(call.arguments);
    assert.deepEqual(args, { location: 'Mountain View, CA', movie: 'Barbie' });

    // The SDK's own accumulator agrees.
    const final = await client.chat.completions.stream({ model: 'tool', messages, tools }).finalChatCompletion();
    const message = final.choices[0].message;
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.tool_calls.length, 1);
    assert.match(message.tool_calls[0].id, /^call_/);
    assert.equal(message.tool_calls[0].function.name, 'find_theaters');
    assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments), args);
  });

  test('streamed parallel calls keep their indexes and distinct ids', TEST_TIMEOUT, async () => {
    // function_call_response_parallel.json: three calls of `sum`
    const got = await drain(await client.chat.completions.create(
      { model: 'parallel-tools', messages, tools, stream: true }));
    assert.equal(got.finishReason, 'tool_calls');
    assert.deepEqual(got.toolCalls.map((call) => call.name), ['sum', 'sum', 'sum']);
    assert.deepEqual(got.toolCalls.map((call) => JSON.parse(call.arguments)),
                     [{ x: 2, y: 1 }, { x: 4, y: 3 }, { x: 6, y: 5 }]);
    assert.equal(new Set(got.toolCalls.map((call) => call.id)).size, 3);
  });

  test('thinking: reasoning_content and the thought signature reach the client and go back', TEST_TIMEOUT, async () => {
    // stream_thinking_function_call_thought_signature.sse
    const got = await drain(await client.chat.completions.create(
      { model: 'thinking', messages, tools, stream: true, reasoning_effort: 'low' }));
    assert.match(got.reasoning, /^\*\*Calculating the Days\*\*/);
    assert.equal(got.toolCalls.length, 1);
    assert.equal(got.toolCalls[0].name, 'now');
    assert.match(got.toolCalls[0].signature, /^CiIBVKhc7vB\+/);
    // Next turn with the call (signature included) and its result is accepted.
    const next = await client.chat.completions.create({
      model: 'text',
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [{
          id: got.toolCalls[0].id, type: 'function',
          function: { name: 'now', arguments: got.toolCalls[0].arguments },
          extra_content: { google: { thought_signature: got.toolCalls[0].signature } } }] },
        { role: 'tool', tool_call_id: got.toolCalls[0].id, content: '2025-12-01T10:00:00Z' },
      ],
      tools,
    });
    assert.equal(next.choices[0].finish_reason, 'stop');
  });

  test('image input is accepted', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({
      model: 'text',
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' } },
        { type: 'image_url', image_url: { url: 'https://upload.example.org/cat.webp' } },
      ] }],
    });
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.ok(completion.choices[0].message.content.length > 0);
  });

  test('a blocked prompt is an answer with content_filter, not an error', TEST_TIMEOUT, async () => {
    // response_prompt_blocked_safety_cookbook.json / stream_prompt_blocked_safety.sse
    const completion = await client.chat.completions.create({ model: 'blocked', messages });
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].message.content, '');
    assert.equal(completion.choices[0].finish_reason, 'content_filter');
    const got = await drain(await client.chat.completions.create({ model: 'blocked', messages, stream: true }));
    assert.equal(got.finishReason, 'content_filter');
    assert.equal(got.content, '');
  });

  test('upstream errors raise the matching SDK error classes', TEST_TIMEOUT, async () => {
    // error_400_api_key_invalid.json: Gemini reports a bad key as 400; clients get 401.
    const badKey = await rejection(client.chat.completions.create({ model: 'error-401', messages }));
    assert.ok(badKey instanceof OpenAI.AuthenticationError, String(badKey));
    assert.equal(badKey.status, 401);
    assert.equal(badKey.code, 'invalid_api_key');
    assert.ok(!String(badKey.message).includes('key1234'), 'the key quoted in Gemini\'s details leaked');
    assert.ok(!String(badKey.message).includes(UPSTREAM_KEY));

    const notFound = await rejection(client.chat.completions.create({ model: 'error-404', messages }));
    assert.ok(notFound instanceof OpenAI.NotFoundError, String(notFound));
    assert.equal(notFound.code, 'model_not_found');

    for (const stream of [false, true]) {
      const limited = await rejection(client.chat.completions.create({ model: 'error-429', messages, stream }));
      assert.ok(limited instanceof OpenAI.RateLimitError, String(limited));
      assert.equal(limited.status, 429);
      assert.equal(limited.code, 'rate_limit_exceeded');
      assert.match(limited.error?.message ?? '', /^Quota exceeded/);
    }
  });

  test('an error after the stream began raises APIError mid-iteration', TEST_TIMEOUT, async () => {
    // stream_error_mid_stream_sdk_mock.sse: two chunks, then a bare CANCELLED error object
    const stream = await client.chat.completions.create({ model: 'midstream-error', messages, stream: true });
    let content = '';
    const error = await rejection((async () => {
      for await (const chunk of stream)
        content += chunk.choices[0]?.delta?.content ?? '';
    })());
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(content, 'First Second ');
    assert.match(String(error.message), /cancelled/i);
  });
});
