// The official `openai` npm client through a headless OneGate to a fake Ollama
// (`fake_upstream --kind ollama`, replaying Ollama's documented /api/chat wire data as
// NDJSON). The SDK speaks OpenAI only; everything it gets is OneGate's translation.
// Expected values are the fixtures' own (tests/data/fixtures/ollama).
// Run: node --test ollama.test.mjs  (from the folder holding node_modules/openai), with
// ONEGATE_BIN and FAKE_UPSTREAM_BIN set (CTest sets them).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startServer, stop, rejection } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegateollama-6789';
const UPSTREAM_KEY = 'sk-test-ollamaproxy-3210';
const MODELS = ['text', 'tool', 'parallel-tools', 'thinking', 'error-404', 'error-429', 'error-500'];
const TEST_TIMEOUT = { timeout: 20_000 };
// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const messages = [{ role: 'user', content: 'What is the weather in Tokyo?' }];
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the weather in a given city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];

// Everything a stream said, reassembled the way an application would, with the order
// strict clients rely on checked on the way.
async function drain(stream) {
  const result = { chunks: 0, content: '', reasoning: '', usageChunks: [], finishReason: null, toolCalls: [], problems: [] };
  for await (const chunk of stream) {
    result.chunks += 1;
    if (result.chunks === 1 && chunk.choices[0]?.delta?.role !== 'assistant')
      result.problems.push('the first chunk carries no role');
    if (chunk.usage) {
      result.usageChunks.push({ usage: chunk.usage, choices: chunk.choices.length });
      if (!result.finishReason)
        result.problems.push('usage before the finish chunk');
    }
    for (const choice of chunk.choices) {
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string')
        result.content += delta.content;
      if (typeof delta.reasoning_content === 'string')
        result.reasoning += delta.reasoning_content;
      for (const call of delta.tool_calls ?? []) {
        if (!result.toolCalls[call.index] && !(call.id && call.function?.name))
          result.problems.push(`arguments before the id and name of tool call ${call.index}`);
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

describe('openai SDK through headless OneGate to Ollama', () => {
  let workDir;
  let fake;
  let onegate;
  let client;

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'onegate-ollama-sdk-'));
    const env = { ...process.env, ONEGATE_TEST_KEY: ACCESS_KEY, ONEGATE_TEST_UPSTREAM_KEY: UPSTREAM_KEY };
    // Ollama behind a key-checking proxy: every answer proves OneGate sent the key.
    fake = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN,
                             ['--kind', process.env.FAKE_KIND ?? 'ollama', '--port', '0', '--key', UPSTREAM_KEY], env);
    const config = {
      listen: '127.0.0.1:0',
      auth: { required: true },
      access_keys: [{ name: 'sdk', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [{
        id: 'local',
        kind: 'ollama',
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
    const onegateExit = onegate ? await stop(onegate.child) : 0;
    if (fake)
      await stop(fake.child);
    if (workDir)
      rmSync(workDir, { recursive: true, force: true });
    assert.equal(onegateExit, 0, `onegate exit after SIGTERM; its output:\n${onegate?.output()}`);
  }, { timeout: 15_000 });

  test('chat text', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({ model: 'text', messages });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'llama3.2');
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, 'Hello! How are you today?');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    // prompt_eval_count and eval_count
    assert.equal(completion.usage.prompt_tokens, 26);
    assert.equal(completion.usage.completion_tokens, 298);
    assert.equal(completion.usage.total_tokens, 324);
  });

  test('streamed text with usage', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({
      model: 'text', messages, stream: true, stream_options: { include_usage: true },
    }));
    assert.deepEqual(got.problems, []);
    assert.equal(got.content, 'The');
    assert.equal(got.finishReason, 'stop');
    assert.equal(got.usageChunks.length, 1, JSON.stringify(got.usageChunks));
    assert.equal(got.usageChunks[0].choices, 0);
    assert.equal(got.usageChunks[0].usage.prompt_tokens, 26);
    assert.equal(got.usageChunks[0].usage.completion_tokens, 282);

    const plain = await drain(await client.chat.completions.create({ model: 'text', messages, stream: true }));
    assert.equal(plain.usageChunks.length, 0);
    assert.equal(plain.content, 'The');
  });

  test('streamed reasoning arrives as reasoning_content', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'thinking', messages, stream: true }));
    assert.deepEqual(got.problems, []);
    assert.equal(got.reasoning, "Let me count the r's.");
    assert.equal(got.content, 'There are 3.');
  });

  test('tool call, non-stream', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({ model: 'tool', messages, tools });
    const choice = completion.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.tool_calls.length, 1);
    const [call] = choice.message.tool_calls;
    assert.match(call.id, /^call_/);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.equal(typeof call.function.arguments, 'string');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Tokyo' });
  });

  test('tool call, streamed: reassembled from deltas and by the SDK', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'tool', messages, tools, stream: true }));
    assert.deepEqual(got.problems, []);
    assert.equal(got.finishReason, 'tool_calls');
    assert.equal(got.toolCalls.length, 1, JSON.stringify(got.toolCalls));
    const [call] = got.toolCalls;
    assert.match(call.id, /^call_/);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Tokyo' });

    // The SDK's own accumulator agrees.
    const final = await client.chat.completions.stream({ model: 'tool', messages, tools }).finalChatCompletion();
    const message = final.choices[0].message;
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.tool_calls.length, 1);
    assert.match(message.tool_calls[0].id, /^call_/);
    assert.equal(message.tool_calls[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments), { city: 'Tokyo' });

    // Two calls in one answer keep their own indexes and ids.
    const parallel = await client.chat.completions.stream({ model: 'parallel-tools', messages, tools }).finalChatCompletion();
    const calls = parallel.choices[0].message.tool_calls;
    assert.deepEqual(calls.map((c) => JSON.parse(c.function.arguments).city), ['Tokyo', 'Paris']);
    assert.notEqual(calls[0].id, calls[1].id);
  });

  test('image input is accepted; an image URL is a clear 400', TEST_TIMEOUT, async () => {
    const content = [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
    ];
    const completion = await client.chat.completions.create({ model: 'text', messages: [{ role: 'user', content }] });
    assert.equal(completion.choices[0].message.content, 'Hello! How are you today?');

    const byUrl = [content[0], { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }];
    const error = await rejection(client.chat.completions.create({ model: 'text', messages: [{ role: 'user', content: byUrl }] }));
    assert.ok(error instanceof OpenAI.BadRequestError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.param, 'messages[0].content[1].image_url.url');
  });

  test('upstream errors raise the right SDK error classes', TEST_TIMEOUT, async () => {
    const rate = await rejection(client.chat.completions.create({ model: 'error-429', messages }));
    assert.ok(rate instanceof OpenAI.RateLimitError, String(rate));
    assert.equal(rate.status, 429);
    assert.equal(rate.error?.message, 'rate limit exceeded, please try again later');

    const missing = await rejection(client.chat.completions.create({ model: 'error-404', messages, stream: true }));
    assert.ok(missing instanceof OpenAI.NotFoundError, String(missing));
    assert.equal(missing.code, 'model_not_found');
    assert.equal(missing.type, 'not_found_error');

    const broken = await rejection(client.chat.completions.create({ model: 'error-500', messages }));
    assert.ok(broken instanceof OpenAI.InternalServerError, String(broken));
    assert.equal(broken.error?.message, 'the model failed to generate a response');
  });

  test('an error in the middle of a stream raises while iterating', TEST_TIMEOUT, async () => {
    const stream = await client.chat.completions.create({ model: 'local/midstream-error', messages, stream: true });
    let content = '';
    const error = await rejection((async () => {
      for await (const chunk of stream)
        content += chunk.choices[0]?.delta?.content ?? '';
    })());
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.match(String(error.message), /an error was encountered while running the model/);
    assert.equal(content, ' Yes.Ican');
  });
});
