// The official `openai` npm client against a headless OneGate whose provider is an Azure
// OpenAI resource (DESIGN.md section 5, issue 3).
//
// Starts `fake_upstream --kind azure` (recorded Azure answers; the deployment in the URL
// path picks the scenario) and `onegate --headless` as child processes (binaries from
// FAKE_UPSTREAM_BIN and ONEGATE_BIN, set by CTest). The ground truth is the SDK's own
// AzureOpenAI client talking to the fake directly; `OpenAI` talks to OneGate, which must
// give a plain OpenAI client the same answers without it noticing Azure.
// Run: node --test azure.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, { AzureOpenAI } from 'openai';
import { startServer, stop, rejection, tokens } from '../harness.mjs';

const ACCESS_KEY = 'sk-test-onegateazures-6789';
const UPSTREAM_KEY = 'sk-test-azureupstream-3210';
const API_VERSION = '2024-10-21';
const MODELS = ['text', 'tool', 'parallel-tools', 'filtered', 'text@200'];
const TEST_TIMEOUT = { timeout: 20_000 };

const messages = [{ role: 'user', content: 'Say hello in German.' }];
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];

// Everything a stream said, reassembled the way an application would. `strict` reads
// choices[0] of every chunk that is not the usage chunk, as many hand-written clients do.
async function drain(stream, { strict = false } = {}) {
  const result = {
    chunks: [], contentDeltas: 0, content: '', usageChunks: [], finishReason: null, toolCalls: [],
    emptyChoiceChunks: 0, argumentsBeforeName: false,
  };
  for await (const chunk of stream) {
    result.chunks.push(chunk);
    if (chunk.usage)
      result.usageChunks.push({ usage: chunk.usage, choices: chunk.choices.length });
    if (chunk.choices.length === 0 && !chunk.usage)
      result.emptyChoiceChunks += 1;
    if (strict && !chunk.usage) {
      const delta = chunk.choices[0].delta;  // throws on an empty choices array
      assert.equal(typeof delta, 'object');
      assert.ok(chunk.id.length > 0, `chunk without an id: ${JSON.stringify(chunk)}`);
    }
    for (const choice of chunk.choices) {
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content.length > 0) {
        result.contentDeltas += 1;
        result.content += delta.content;
      }
      for (const call of delta.tool_calls ?? []) {
        if (!result.toolCalls[call.index] && !call.id)
          result.argumentsBeforeName = true;
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

describe('openai SDK through headless OneGate to Azure OpenAI', () => {
  let workDir;
  let fake;
  let onegate;
  let client;  // a plain OpenAI client, through OneGate
  let direct;  // the SDK's Azure client straight to the fake: the expected answers

  before(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'onegate-azure-sdk-'));
    const env = { ...process.env, ONEGATE_TEST_KEY: ACCESS_KEY, ONEGATE_TEST_UPSTREAM_KEY: UPSTREAM_KEY };
    assert.equal(process.env.FAKE_KIND ?? 'azure', 'azure');
    fake = await startServer('fake_upstream', process.env.FAKE_UPSTREAM_BIN,
                             ['--kind', 'azure', '--port', '0', '--key', UPSTREAM_KEY], env);
    const config = {
      listen: '127.0.0.1:0',
      // One upstream answer per request, relayed as the adapter maps it: retries and
      // key cooldowns are the router's and have their own suite (tst_router_e2e).
      router: { max_attempts: 1, breaker: { cooldown_ms: 1 } },
      auth: { required: true },
      access_keys: [{ name: 'sdk', key: 'env:ONEGATE_TEST_KEY' }],
      providers: [{
        id: 'az',
        kind: 'azure',
        base_url: `http://127.0.0.1:${fake.port}`,
        api_version: API_VERSION,
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
    direct = new AzureOpenAI({ endpoint: `http://127.0.0.1:${fake.port}`, apiKey: UPSTREAM_KEY, apiVersion: API_VERSION,
                               maxRetries: 0, timeout: 15_000 });
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

  test('models.list() lists the configured deployments', TEST_TIMEOUT, async () => {
    const ids = [];
    for await (const model of client.models.list())
      ids.push(model.id);
    for (const id of MODELS)
      assert.ok(ids.includes(id), `${id} missing from ${JSON.stringify(ids)}`);
  });

  test('non-stream text: Azure\'s answer, filter results and usage', TEST_TIMEOUT, async () => {
    const expected = await direct.chat.completions.create({ model: 'text', messages });
    const completion = await client.chat.completions.create({ model: 'text', messages });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.content, 'Hello! It looks like');
    assert.deepEqual(completion, expected);
    assert.equal(completion.choices[0].finish_reason, 'length');
    assert.equal(completion.choices[0].content_filter_results.hate.severity, 'safe');
    assert.equal(completion.prompt_filter_results[0].prompt_index, 0);
    assert.deepEqual(tokens(completion.usage), { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 });
  });

  test('stream with include_usage: deltas, one usage chunk, a choice in every other chunk', TEST_TIMEOUT, async () => {
    const request = { model: 'text', messages, stream: true, stream_options: { include_usage: true } };
    const expected = await drain(await direct.chat.completions.create(request));
    // Straight from Azure the SDK sees the empty-choices first chunk (and tolerates it) ...
    assert.equal(expected.emptyChoiceChunks, 1);
    assert.equal(expected.chunks[0].id, '');
    const got = await drain(await client.chat.completions.create(request), { strict: true });
    // ... through OneGate it is folded into the next chunk: nothing lost, nothing empty.
    assert.equal(got.emptyChoiceChunks, 0);
    assert.equal(got.chunks.length, expected.chunks.length - 1);
    assert.deepEqual(got.chunks[0].prompt_filter_results, expected.chunks[0].prompt_filter_results);
    assert.equal(got.chunks[0].choices[0].delta.role, 'assistant');
    assert.ok(got.chunks.every((chunk) => chunk.id === got.chunks[0].id && chunk.model === got.chunks[0].model));
    assert.equal(got.content, 'Hallo Welt!');
    assert.equal(got.content, expected.content);
    assert.ok(got.contentDeltas > 1);
    assert.equal(got.finishReason, 'stop');
    // content_filter_results stay on each choice: got.chunks[1] is expected.chunks[2], "Hallo".
    assert.equal(got.chunks[1].choices[0].delta.content, 'Hallo');
    assert.deepEqual(got.chunks[1].choices[0].content_filter_results, expected.chunks[2].choices[0].content_filter_results);
    assert.equal(got.usageChunks.length, 1, JSON.stringify(got.usageChunks));
    assert.equal(got.usageChunks[0].choices, 0);
    assert.deepEqual(tokens(got.usageChunks[0].usage), tokens(expected.usageChunks[0].usage));
    assert.deepEqual(tokens(got.usageChunks[0].usage), { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
    assert.equal(got.chunks.at(-1).usage.total_tokens, 15);
  });

  test('stream without include_usage has no usage chunk', TEST_TIMEOUT, async () => {
    const got = await drain(await client.chat.completions.create({ model: 'text', messages, stream: true }), { strict: true });
    assert.equal(got.usageChunks.length, 0, JSON.stringify(got.usageChunks));
    assert.equal(got.content, 'Hallo Welt!');
    assert.equal(got.finishReason, 'stop');
  });

  test('tool call, non-stream', TEST_TIMEOUT, async () => {
    const expected = await direct.chat.completions.create({ model: 'tool', messages, tools });
    const completion = await client.chat.completions.create({ model: 'tool', messages, tools });
    assert.deepEqual(completion, expected);
    const [call] = completion.choices[0].message.tool_calls;
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(completion.choices[0].message.content, null);
    assert.match(call.id, /^call_/);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'San Francisco', state: 'CA' });
  });

  test('tool call, streamed: reassembled from deltas and by the SDK', TEST_TIMEOUT, async () => {
    const request = { model: 'tool', messages, tools, stream: true };
    const expected = await drain(await direct.chat.completions.create(request));
    const got = await drain(await client.chat.completions.create(request), { strict: true });
    assert.equal(got.finishReason, 'tool_calls');
    assert.equal(got.argumentsBeforeName, false);
    assert.equal(got.toolCalls.length, 1, JSON.stringify(got.toolCalls));
    const [call] = got.toolCalls;
    assert.match(call.id, /^call_/);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call, expected.toolCalls[0]);
    const args = JSON.parse(call.arguments);
    assert.deepEqual(args, { city: 'New York City' });

    // The SDK's own accumulator agrees.
    const final = await client.chat.completions.stream({ model: 'tool', messages, tools }).finalChatCompletion();
    const message = final.choices[0].message;
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.equal(message.tool_calls[0].id, call.id);
    assert.equal(message.tool_calls[0].function.name, call.name);
    assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments), args);
  });

  test('parallel tool calls, streamed', TEST_TIMEOUT, async () => {
    const final = await client.chat.completions.stream({ model: 'parallel-tools', messages, tools }).finalChatCompletion();
    const calls = final.choices[0].message.tool_calls;
    assert.deepEqual(calls.map((call) => call.function.name), ['GetWeatherArgs', 'get_stock_price']);
    for (const call of calls)
      assert.equal(typeof JSON.parse(call.function.arguments), 'object');
    const got = await drain(await client.chat.completions.create({ model: 'parallel-tools', messages, tools, stream: true }),
                            { strict: true });
    assert.deepEqual(got.toolCalls.map((call) => call.name), ['GetWeatherArgs', 'get_stock_price']);
    assert.equal(got.argumentsBeforeName, false);
  });

  test('image input is accepted', TEST_TIMEOUT, async () => {
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';
    const completion = await client.chat.completions.create({
      model: 'text',
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this image?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}`, detail: 'low' } },
        ],
      }],
    });
    assert.ok(completion.choices[0].message.content.length > 0);
  });

  test('finish_reason content_filter passes through, stream and not', TEST_TIMEOUT, async () => {
    const completion = await client.chat.completions.create({ model: 'filtered', messages });
    assert.equal(completion.choices[0].finish_reason, 'content_filter');
    assert.equal(completion.choices[0].content_filter_results.violence.filtered, true);
    const got = await drain(await client.chat.completions.create({ model: 'filtered', messages, stream: true }),
                            { strict: true });
    assert.equal(got.finishReason, 'content_filter');
    assert.equal(got.chunks.at(-1).choices[0].content_filter_results.violence.filtered, true);
  });

  test('a content-filtered prompt raises BadRequestError with Azure\'s details', TEST_TIMEOUT, async () => {
    const expected = await rejection(direct.chat.completions.create({ model: 'content-filter', messages }));
    for (const stream of [false, true]) {
      const error = await rejection(client.chat.completions.create({ model: 'az/content-filter', messages, stream }));
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.code, 'content_filter');
      assert.equal(error.param, 'prompt');
      assert.equal(error.error.innererror.code, 'ResponsibleAIPolicyViolation');
      assert.equal(error.error.innererror.content_filter_result.sexual.filtered, true);
      assert.deepEqual(error.error, expected.error);
    }
  });

  test('upstream errors raise the matching SDK error classes', TEST_TIMEOUT, async () => {
    const cases = [
      ['az/error-429', OpenAI.RateLimitError, 429, '429'],
      ['az/error-401', OpenAI.AuthenticationError, 401, '401'],
      ['az/error-404', OpenAI.NotFoundError, 404, 'DeploymentNotFound'],
      ['az/error-500', OpenAI.InternalServerError, 500, null],
    ];
    for (const [model, errorClass, status, code] of cases) {
      const error = await rejection(client.chat.completions.create({ model, messages }));
      assert.ok(error instanceof errorClass, `${model}: ${error}`);
      assert.equal(error.status, status);
      assert.equal(error.code ?? null, code);
      assert.ok(error.message.length > 0);
      // Azure's bodies lack type and param; the gateway completes the OpenAI shape.
      assert.ok('type' in error.error && 'param' in error.error, JSON.stringify(error.error));
    }
  });

  test('a mid-stream error raises an APIError after the first deltas, without [DONE]', TEST_TIMEOUT, async () => {
    const stream = await client.chat.completions.create({ model: 'az/midstream-error', messages, stream: true });
    let chunks = 0;
    const error = await rejection((async () => {
      for await (const chunk of stream) {
        assert.ok(chunk.choices.length > 0);
        chunks += 1;
      }
    })());
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.match(error.message, /server had an error/);
    assert.equal(chunks, 1);
  });

  test('a client abort mid-stream frees the upstream and OneGate keeps serving', TEST_TIMEOUT, async () => {
    const before = fake.output().length;
    const stream = await client.chat.completions.create({ model: 'text@200', messages, stream: true });
    let deltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0].delta.content)
        deltas += 1;
      if (deltas === 2)
        break;  // aborts the request
    }
    assert.equal(deltas, 2);
    const deadline = Date.now() + 5_000;
    while (!fake.output().slice(before).includes('aborted')) {
      assert.ok(Date.now() < deadline, 'the fake never saw the abort');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const completion = await client.chat.completions.create({ model: 'text', messages });
    assert.ok(completion.choices[0].message.content.length > 0);
    assert.equal(onegate.child.exitCode, null, 'onegate is still running');
  });
});
