// The official `openai` npm client against a headless OneGate whose provider is Anthropic's
// Messages API (DESIGN.md section 5, issue 3).
//
// Starts `fake_upstream --kind anthropic` (recorded Anthropic answers; the request's model
// picks the scenario, see tests/support/anthropic/AnthropicFakeDialect.h) and
// `onegate --headless` as child processes (binaries from FAKE_UPSTREAM_BIN and ONEGATE_BIN,
// set by CTest). The SDK cannot talk to the fake directly, so the expected answers are the
// recorded fixtures' own values, written out below.
// Run: node --test anthropic.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer, stop, waitFor, rejection, tokens } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegateanthro-6789';
const UPSTREAM_KEY = 'sk-test-anthropicupst-3210';
const MODELS = ['text', 'tool', 'parallel-tools', 'thinking', 'text@200'];
const TEST_TIMEOUT = { timeout: 20_000 };

// From tests/data/fixtures/anthropic: messages_response_text_recorded.json,
// messages_stream_text_recorded.sse, messages_response_tool_use_recorded.json and
// messages_stream_tool_use_recorded.sse.
const RECORDED_TEXT = 'The weather in San Francisco, CA is currently **68°F and Sunny**. Great day out there!';
const RECORDED_STREAM_TEXT =
  "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!";
const RECORDED_TOOL_ID = 'toolu_01LRanfq6DmHn1yDTB4d1SAh';
const RECORDED_STREAM_TOOL_ID = 'toolu_018acGYLtfR52q9yDbWaEdQZ';
const WEATHER_ARGS = { location: 'San Francisco, CA', units: 'f' };
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const messages = [{ role: 'user', content: 'What is the weather in San Francisco?' }];
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { location: { type: 'string' }, units: { type: 'string' } } },
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

describe('openai SDK through headless OneGate to Anthropic', () => {
  let workDir;
  let fake;
  let onegate;
  let client;

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'onegate-anthropic-sdk-'));
    const env = { ...process.env, ONEGATE_TEST_KEY: ACCESS_KEY, ONEGATE_TEST_UPSTREAM_KEY: UPSTREAM_KEY };
    fake = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN,
                             ['--kind', process.env.FAKE_KIND ?? 'anthropic', '--port', '0', '--key', UPSTREAM_KEY], env);
    const config = {
      listen: '127.0.0.1:0',
      // One upstream answer per request, relayed as the adapter maps it: retries and
      // key cooldowns are the router's and have their own suite (tst_router_e2e).
      router: { max_attempts: 1, breaker: { cooldown_ms: 1 } },
      auth: { required: true },
      access_keys: [{ name: 'sdk', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [{
        id: 'claude',
        kind: 'anthropic',
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

  test('non-stream text: content, finish reason and usage', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({ model: 'text', messages });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, RECORDED_TEXT);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.deepEqual(tokens(completion.usage), { prompt_tokens: 770, completion_tokens: 26, total_tokens: 796 });
  });

  test('stream with include_usage: deltas, one final usage chunk, clean end', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create(
      { model: 'text', messages, stream: true, stream_options: { include_usage: true } }));
    assert.ok(got.contentDeltas > 1, `only ${got.contentDeltas} content deltas`);
    assert.equal(got.content, RECORDED_STREAM_TEXT);
    assert.equal(got.finishReason, 'stop');
    assert.equal(got.usageChunks.length, 1, JSON.stringify(got.usageChunks));
    assert.equal(got.usageChunks[0].choices, 0);
    // message_delta's cumulative output count, never added to message_start's placeholder
    assert.deepEqual(tokens(got.usageChunks[0].usage), { prompt_tokens: 770, completion_tokens: 38, total_tokens: 808 });
  });

  test('stream without include_usage has no usage chunk', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'text', messages, stream: true }));
    assert.equal(got.usageChunks.length, 0, JSON.stringify(got.usageChunks));
    assert.equal(got.content, RECORDED_STREAM_TEXT);
    assert.equal(got.finishReason, 'stop');
  });

  test('non-stream tool call', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({ model: 'tool', messages, tools });
    const message = completion.choices[0].message;
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.tool_calls.length, 1);
    const [call] = message.tool_calls;
    assert.equal(call.type, 'function');
    assert.equal(call.id, RECORDED_TOOL_ID);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), WEATHER_ARGS);
  });

  test('streamed tool call reassembles, also through the SDK accumulator', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'tool', messages, tools, stream: true }));
    assert.equal(got.finishReason, 'tool_calls');
    assert.equal(got.toolCalls.length, 1, JSON.stringify(got.toolCalls));
    const [call] = got.toolCalls;
    assert.equal(call.id, RECORDED_STREAM_TOOL_ID);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), WEATHER_ARGS);

    const final = await client.chat.completions.stream({ model: 'tool', messages, tools }).finalChatCompletion();
    const message = final.choices[0].message;
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.tool_calls[0].id, RECORDED_STREAM_TOOL_ID);
    assert.equal(message.tool_calls[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments), WEATHER_ARGS);
  });

  test('two streamed tool calls after text get indexes 0 and 1', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'parallel-tools', messages, tools, stream: true }));
    assert.equal(got.content, "I'll check the weather and the local time in San Francisco.");
    assert.deepEqual(got.toolCalls.map((call) => call.name), ['get_weather', 'get_time']);
    assert.deepEqual(JSON.parse(got.toolCalls[0].arguments), WEATHER_ARGS);
    assert.deepEqual(JSON.parse(got.toolCalls[1].arguments), { timezone: 'America/Los_Angeles' });
  });

  test('tool results with foreign ids go back as one turn', TEST_TIMEOUT, async () => {
    // Ids another provider minted; the fake refuses any id outside ^[a-zA-Z0-9_-]+$ and
    // any tool_result that does not answer the assistant turn before it.
    const history = [
      ...messages,
      { role: 'assistant', content: null, tool_calls: [
        { id: 'functions.get_weather:0', type: 'function', function: { name: 'get_weather', arguments: '{"location":"SF"}' } },
        { id: 'call|1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"NYC"}' } },
      ] },
      { role: 'tool', tool_call_id: 'functions.get_weather:0', content: '68F and sunny' },
      { role: 'tool', tool_call_id: 'call|1', content: '50F and cloudy' },
    ];
    const completion = await client.chat.completions.create({ model: 'text', messages: history, tools });
    assert.equal(completion.choices[0].message.content, RECORDED_TEXT);
  });

  test('image input (data URL and https URL) is accepted', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({
      model: 'text',
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'What is in these images?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } },
        { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } },
      ] }],
    });
    assert.equal(completion.choices[0].message.content, RECORDED_TEXT);
  });

  test('thinking arrives as reasoning_content with signed thinking_blocks', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({ model: 'thinking', messages, reasoning_effort: 'low' });
    const message = completion.choices[0].message;
    assert.equal(message.content, '27 * 453 = 12,231');
    assert.match(message.reasoning_content, /^Let me solve this step by step/);
    assert.equal(message.thinking_blocks.length, 2);
    assert.ok(message.thinking_blocks[0].signature.length > 0);
  });

  test('upstream errors raise the matching SDK error classes', TEST_TIMEOUT, async () => {
    const rateLimited = await rejection(client.chat.completions.create({ model: 'claude/error-429', messages }));
    assert.ok(rateLimited instanceof OpenAI.RateLimitError, String(rateLimited));
    assert.equal(rateLimited.status, 429);
    assert.equal(rateLimited.code, 'rate_limit_exceeded');
    assert.equal(rateLimited.headers?.get?.('retry-after') ?? rateLimited.headers?.['retry-after'], '7');
    assert.match(rateLimited.message, /rate limit/);

    const unauthorized = await rejection(client.chat.completions.create({ model: 'claude/error-401', messages }));
    assert.ok(unauthorized instanceof OpenAI.AuthenticationError, String(unauthorized));
    assert.equal(unauthorized.code, 'invalid_api_key');

    const missing = await rejection(client.chat.completions.create({ model: 'claude/error-404', messages }));
    assert.ok(missing instanceof OpenAI.NotFoundError, String(missing));

    const invalid = await rejection(client.chat.completions.create({ model: 'claude/error-400', messages }));
    assert.ok(invalid instanceof OpenAI.BadRequestError, String(invalid));

    const overloaded = await rejection(client.chat.completions.create({ model: 'claude/overloaded', messages, stream: true }));
    assert.ok(overloaded instanceof OpenAI.InternalServerError, String(overloaded));
    assert.equal(overloaded.status, 503);
  });

  test('an in-stream error event raises after the text so far', TEST_TIMEOUT, async () => {
    const stream = await client.chat.completions.create({ model: 'claude/midstream-error', messages, stream: true });
    let content = '';
    const error = await rejection((async () => {
      for await (const chunk of stream)
        content += chunk.choices[0]?.delta?.content ?? '';
    })());
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.match(String(error.message), /Overloaded/);
    assert.equal(content, 'The weather in San Francisco, CA is');
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
    assert.equal(completion.choices[0].message.content, RECORDED_TEXT);
    assert.equal(onegate.child.exitCode, null, 'onegate is still running');
  });
});
