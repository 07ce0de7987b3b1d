// The official `@anthropic-ai/sdk` npm client against a headless OneGate's Anthropic
// Messages endpoints (DESIGN.md section 5), once per provider kind behind it.
//
// FAKE_KIND (set by CTest: openai, anthropic, gemini or ollama) picks the fake provider:
// `fake_upstream --kind KIND` replays that provider's recorded answers, the request's model
// choosing the scenario (tests/support/FakeUpstream.h and each kind's FakeDialect). To an
// anthropic provider OneGate passes the body through; to the others it translates, so the
// SDK sees Anthropic's shapes either way. The expected values are the recordings' own
// (tests/data/fixtures/KIND), written out in EXPECTED below. Models are pinned to the one
// provider ("fake/text"), so any scenario name reaches the fake.
// Binaries come from ONEGATE_BIN and FAKE_UPSTREAM_BIN.
// Run: FAKE_KIND=anthropic node --test anthropic_sdk.test.mjs  (from the folder holding
// node_modules/@anthropic-ai/sdk)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway, rejection, waitFor } from '../harness.mjs';

const KIND = process.env.FAKE_KIND ?? 'anthropic';
const ACCESS_KEY = 'sk-test-onegatemsgs-6789';
const UPSTREAM_KEY = 'sk-test-upstreammsgs-3210';
const MODELS = ['text', 'tool', 'thinking', 'midstream-error', 'error-429'];
const TEST_TIMEOUT = { timeout: 20_000 };
// A 1x1 PNG.
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
// Anthropic refuses any other tool id; a client replays ids verbatim.
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;

// What each fake answers, from its recordings.
const EXPECTED = {
  openai: {
    // where OneGate sends a chat (`fake_upstream --log-requests` prints it)
    upstream: (model, stream) => `POST /v1/chat/completions model=${model}`,
    // chat_response_text_recorded.json, chat_stream_text_include_usage.sse
    text: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or app like the Weather Channel or a local news station.",
    usage: { input_tokens: 14, output_tokens: 37 },
    streamText: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
    streamUsage: { input_tokens: 14, output_tokens: 30 },
    // chat_response_tool_call_recorded.json, chat_stream_tool_call.sse
    tool: { id: 'call_CUdUoJpsWWVdxXntucvnol1M', name: 'get_weather', input: { city: 'San Francisco', state: 'CA' } },
    streamTool: { id: 'call_4XzlGBLtUe9dy3GVNV4jhq7h', name: 'get_weather', input: { city: 'New York City' } },
    // two chunks (the role, "I'm"), then a data: {"error": ...} event
    midstream: { text: "I'm", message: /The server had an error while processing your request/ },
    retryAfter: '7',
    thinking: null,  // the OpenAI fake has no reasoning scenario
  },
  anthropic: {
    upstream: (model, stream) => `POST /v1/messages model=${model}`,
    // messages_response_text_recorded.json, messages_stream_text_recorded.sse
    text: 'The weather in San Francisco, CA is currently **68°F and Sunny**. Great day out there!',
    usage: { input_tokens: 770, output_tokens: 26 },
    streamText: "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!",
    streamUsage: { input_tokens: 770, output_tokens: 38 },
    // messages_response_tool_use_recorded.json, messages_stream_tool_use_recorded.sse
    tool: { id: 'toolu_01LRanfq6DmHn1yDTB4d1SAh', name: 'get_weather', input: { location: 'San Francisco, CA', units: 'f' } },
    streamTool: { id: 'toolu_018acGYLtfR52q9yDbWaEdQZ', name: 'get_weather', input: { location: 'San Francisco, CA', units: 'f' } },
    // the first 4 events of the text stream, then the docs' overloaded error event
    midstream: { text: 'The weather in San Francisco, CA is', message: /Overloaded/ },
    retryAfter: '7',
    // messages_response_thinking.composed.json, messages_stream_thinking_docs.sse
    thinking: {
      text: '27 * 453 = 12,231',
      thinking: /^Let me solve this step by step:\n\n1\. First break down 27 \* 453/,
      signature: /^EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYd/,
      redacted: true,
    },
  },
  gemini: {
    upstream: (model, stream) => (stream ? `POST /v1beta/models/${model}:streamGenerateContent?alt=sse model=`
                                         : `POST /v1beta/models/${model}:generateContent model=`),
    // generate_content_response_text.json, stream_generate_content_alt_sse.sse
    text: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n",
    usage: { input_tokens: 7, output_tokens: 22 },
    streamText: 'The capital of Wyoming is **Cheyenne**.\n',
    streamUsage: { input_tokens: 7, output_tokens: 10 },
    // function_call_response_cookbook.json (Gemini sends a call whole; OneGate mints ids)
    tool: { name: 'find_theaters', input: { location: 'Mountain View, CA', movie: 'Barbie' } },
    streamTool: { name: 'find_theaters', input: { location: 'Mountain View, CA', movie: 'Barbie' } },
    // stream_error_mid_stream_sdk_mock.sse: two chunks, then a bare CANCELLED error object
    midstream: { text: 'First Second ', message: /cancelled/i },
    retryAfter: null,  // error_429_resource_exhausted.json carries no retry hint
    // stream_thinking_function_call_thought_signature.sse: thought summaries, then a
    // functionCall `now` with a thoughtSignature
    thinking: {
      tool: 'now',
      thinking: /^\*\*Calculating the Days\*\*/,
    },
  },
  ollama: {
    upstream: (model, stream) => `POST /api/chat model=${model}`,
    // api_chat_response_text.composed.json, api_chat_stream.adapted.ndjson (one text line)
    text: 'Hello! How are you today?',
    usage: { input_tokens: 26, output_tokens: 298 },
    streamText: 'The',
    streamUsage: { input_tokens: 26, output_tokens: 282 },
    // api_chat_response_tools.json, api_chat_stream_tools.adapted.ndjson (OneGate mints ids)
    tool: { name: 'get_weather', input: { city: 'Tokyo' } },
    streamTool: { name: 'get_weather', input: { city: 'Tokyo' } },
    // api_stream_midstream_error.ndjson
    midstream: { text: ' Yes.Ican', message: /an error was encountered while running the model/ },
    retryAfter: '7',
    // api_chat_*_thinking.composed.*
    thinking: {
      text: "There are 3 r's in strawberry.",
      thinking: /^Let me count the letters r in strawberry/,
      streamText: 'There are 3.',
      streamThinking: "Let me count the r's.",
    },
  },
}[KIND];

const question = [{ role: 'user', content: 'What is the weather in San Francisco?' }];
const tools = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: { type: 'object', properties: { location: { type: 'string' }, city: { type: 'string' }, units: { type: 'string' } } },
  },
  {
    name: 'find_theaters',
    description: 'find theaters based on location and optionally movie title',
    input_schema: { type: 'object', properties: { location: { type: 'string' }, movie: { type: 'string' } }, required: ['location'] },
  },
  { name: 'now', description: 'The current date and time', input_schema: { type: 'object', properties: {} } },
];

// The documented count_tokens requests (count_tokens_request_docs.json,
// count_tokens_request_tools_docs.json) and Anthropic's counts for them.
const COUNT_PLAIN = {
  request: { system: 'You are a scientist', messages: [{ role: 'user', content: 'Hello, Claude' }] },
  tokens: 14,
};
const COUNT_TOOLS = {
  request: {
    tools: [{
      name: 'get_weather',
      description: 'Get the current weather in a given location',
      input_schema: {
        type: 'object',
        properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } },
        required: ['location'],
      },
    }],
    messages: [{ role: 'user', content: "What's the weather like in San Francisco?" }],
  },
  tokens: 403,
};

function textOf(message) {
  return message.content.filter((block) => block.type === 'text').map((block) => block.text).join('');
}

function toolUses(message) {
  return message.content.filter((block) => block.type === 'tool_use');
}

function checkToolUse(block, expected) {
  assert.match(block.id, TOOL_ID);
  if (expected.id)
    assert.equal(block.id, expected.id);
  assert.equal(block.name, expected.name);
  assert.deepEqual(block.input, expected.input);
}

// The message a raw event stream describes: content blocks rebuilt from their deltas
// (tool input as parsed JSON), the stop reason from message_delta.
async function assemble(stream) {
  const message = { content: [], stop_reason: null };
  const json = [];
  for await (const event of stream) {
    if (event.type === 'content_block_start') {
      message.content[event.index] = { ...event.content_block };
      json[event.index] = '';
    } else if (event.type === 'content_block_delta') {
      const block = message.content[event.index];
      const delta = event.delta;
      if (delta.type === 'text_delta')
        block.text += delta.text;
      else if (delta.type === 'thinking_delta')
        block.thinking += delta.thinking;
      else if (delta.type === 'signature_delta')
        block.signature = (block.signature ?? '') + delta.signature;
      else if (delta.type === 'input_json_delta')
        json[event.index] += delta.partial_json;
    } else if (event.type === 'content_block_stop') {
      const block = message.content[event.index];
      if (block.type === 'tool_use' && json[event.index])
        block.input = JSON.parse(json[event.index]);
    } else if (event.type === 'message_delta') {
      message.stop_reason = event.delta.stop_reason;
    }
  }
  return message;
}

// The headers of an SDK error, however the SDK version exposes them.
function header(error, name) {
  return error.headers?.get?.(name) ?? error.headers?.[name] ?? null;
}

describe(`@anthropic-ai/sdk through headless OneGate to a ${KIND} provider`, () => {
  let gateway;
  let client;

  before(async () => {
    assert.ok(EXPECTED, `FAKE_KIND=${KIND}: no expectations for this kind`);
    gateway = await startGateway({
      kind: KIND, models: MODELS, accessKey: ACCESS_KEY, upstreamKey: UPSTREAM_KEY,
      // One upstream answer per request, relayed as the adapter maps it: retries have
      // their own suite (tst_router_e2e).
      config: { router: { max_attempts: 1, breaker: { cooldown_ms: 1 } } },
      fakeArgs: ['--log-requests'],
    });
    client = new Anthropic({ baseURL: gateway.url, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
  }, { timeout: 40_000 });

  after(async () => {
    // A graceful stop is part of the contract: SIGTERM, exit 0.
    const output = gateway?.onegate?.output() ?? '';
    const onegateExit = gateway ? await gateway.stopAll() : 0;
    assert.equal(onegateExit, 0, `onegate exit after SIGTERM; its output:\n${output}`);
  }, { timeout: 15_000 });

  // The requests the fake received while `action` ran, as `METHOD TARGET model=MODEL`.
  // The fake's log line travels apart from the answer: wait for `count` of them (or, for
  // none, a moment for a stray one).
  async function upstreamRequests(action, count = 1) {
    const mark = gateway.fake.output().length;
    await action();
    const lines = () => [...gateway.fake.output().slice(mark).matchAll(/^request (.*)$/gm)].map((match) => match[1]);
    if (count > 0)
      await waitFor(() => lines().length >= count, 2_000, `${count} request line(s) from the fake`);
    else
      await new Promise((resolve) => setTimeout(resolve, 100));
    return lines();
  }

  test('messages.create: text, stop_reason and usage', TEST_TIMEOUT, async () => {
    let message;
    const sent = await upstreamRequests(async () => {
      message = await client.messages.create({ model: 'fake/text', max_tokens: 1024, messages: question });
    });
    // One call, in the provider's own dialect, with the model unpinned.
    assert.deepEqual(sent, [EXPECTED.upstream('text', false)]);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.match(message.id, /^msg_/);
    assert.equal(textOf(message), EXPECTED.text);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, EXPECTED.usage.input_tokens);
    assert.equal(message.usage.output_tokens, EXPECTED.usage.output_tokens);
  });

  test('messages.stream(): text events, finalMessage() with stop_reason and usage', TEST_TIMEOUT, async () => {
    const deltas = [];
    let message;
    const sent = await upstreamRequests(async () => {
      const stream = client.messages.stream({ model: 'fake/text', max_tokens: 1024, messages: question });
      stream.on('text', (delta) => deltas.push(delta));
      message = await stream.finalMessage();
    });
    assert.deepEqual(sent, [EXPECTED.upstream('text', true)]);
    assert.equal(deltas.join(''), EXPECTED.streamText);
    if (EXPECTED.streamText.length > 3)
      assert.ok(deltas.length > 1, `only ${deltas.length} text deltas: not streamed`);
    assert.equal(textOf(message), EXPECTED.streamText);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, EXPECTED.streamUsage.input_tokens);
    assert.equal(message.usage.output_tokens, EXPECTED.streamUsage.output_tokens);
  });

  test('raw stream events follow the Messages grammar', TEST_TIMEOUT, async () => {
    const stream = await client.messages.create({ model: 'fake/text', max_tokens: 1024, messages: question, stream: true });
    const types = [];
    for await (const event of stream)
      types.push(event.type);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.equal(types.at(-2), 'message_delta');
    const body = types.slice(1, -2).filter((type) => type !== 'ping');
    assert.equal(body[0], 'content_block_start');
    assert.equal(body.at(-1), 'content_block_stop');
    assert.ok(body.every((type) => type.startsWith('content_block_')), types.join(' '));
  });

  test('tool use over two turns: the id comes back, the tool_result with it is answered', TEST_TIMEOUT, async () => {
    const first = await client.messages.create({ model: 'fake/tool', max_tokens: 1024, messages: question, tools });
    assert.equal(first.stop_reason, 'tool_use');
    const calls = toolUses(first);
    assert.equal(calls.length, 1, JSON.stringify(first.content));
    checkToolUse(calls[0], EXPECTED.tool);

    const second = await client.messages.create({
      model: 'fake/text',
      max_tokens: 1024,
      tools,
      messages: [
        ...question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: calls[0].id, content: '68°F and sunny' }] },
      ],
    });
    assert.equal(second.stop_reason, 'end_turn');
    assert.equal(textOf(second), EXPECTED.text);
  });

  test('streamed tool use: finalMessage() holds the parsed input', TEST_TIMEOUT, async () => {
    const stream = client.messages.stream({ model: 'fake/tool', max_tokens: 1024, messages: question, tools });
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'tool_use');
    const calls = toolUses(message);
    assert.equal(calls.length, 1, JSON.stringify(message.content));
    checkToolUse(calls[0], EXPECTED.streamTool);

    // The streamed id answers the next turn too.
    const next = await client.messages.stream({
      model: 'fake/text',
      max_tokens: 1024,
      tools,
      messages: [
        ...question,
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: calls[0].id, content: [{ type: 'text', text: '68°F' }] }] },
      ],
    }).finalMessage();
    assert.equal(next.stop_reason, 'end_turn');
    assert.equal(textOf(next), EXPECTED.streamText);
  });

  test('thinking: signed blocks arrive and go back on the next turn', { ...TEST_TIMEOUT, skip: EXPECTED.thinking ? false : `the ${KIND} fake has no reasoning scenario` }, async () => {
    const expected = EXPECTED.thinking;
    const request = { model: 'fake/thinking', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: question };
    if (expected.tool)
      request.tools = tools;

    if (expected.text) {
      const message = await client.messages.create(request);
      const thinking = message.content.filter((block) => block.type === 'thinking');
      assert.equal(thinking.length, 1, JSON.stringify(message.content));
      assert.match(thinking[0].thinking, expected.thinking);
      assert.equal(typeof thinking[0].signature, 'string');
      if (expected.signature)
        assert.match(thinking[0].signature, expected.signature);
      if (expected.redacted)
        assert.equal(message.content.filter((block) => block.type === 'redacted_thinking').length, 1);
      assert.equal(message.content.at(-1).type, 'text');
      assert.equal(textOf(message), expected.text);
    }

    // Reassembled from the raw events, not by the SDK's MessageStream: the docs' thinking
    // stream the Anthropic fake replays (passed through untouched) has no `usage` at all,
    // which MessageStream cannot take.
    const streamed = await assemble(await client.messages.create({ ...request, stream: true }));
    const thinking = streamed.content.filter((block) => block.type === 'thinking');
    assert.ok(thinking.length >= 1, JSON.stringify(streamed.content));
    assert.equal(streamed.content[0].type, 'thinking');
    assert.equal(typeof thinking[0].signature, 'string');
    if (expected.streamThinking)
      assert.equal(thinking[0].thinking, expected.streamThinking);
    else
      assert.match(thinking[0].thinking, expected.thinking);
    if (expected.signature)
      assert.match(thinking[0].signature, expected.signature);
    if (expected.streamText)
      assert.equal(textOf(streamed), expected.streamText);
    let reply = [];
    if (expected.tool) {
      const calls = toolUses(streamed);
      assert.equal(calls.length, 1, JSON.stringify(streamed.content));
      assert.equal(calls[0].name, expected.tool);
      assert.match(calls[0].id, TOOL_ID);
      reply = [{ type: 'tool_result', tool_use_id: calls[0].id, content: '2025-12-01T10:00:00Z' }];
    } else {
      reply = [{ type: 'text', text: 'And in raspberry?' }];
    }
    // The assistant turn goes back as received, signatures included.
    const next = await client.messages.create({
      ...request,
      model: 'fake/text',
      messages: [...question, { role: 'assistant', content: streamed.content }, { role: 'user', content: reply }],
    });
    assert.equal(next.stop_reason, 'end_turn');
    assert.equal(textOf(next), EXPECTED.text);
  });

  test('countTokens: exact from an Anthropic provider, a flagged over-estimate otherwise', TEST_TIMEOUT, async () => {
    for (const { request, tokens } of [COUNT_PLAIN, COUNT_TOOLS]) {
      let data;
      let response;
      const sent = await upstreamRequests(async () => {
        ({ data, response } = await client.messages.countTokens({ model: 'fake/text', ...request }).withResponse());
      }, KIND === 'anthropic' ? 1 : 0);
      assert.equal(typeof data.input_tokens, 'number');
      if (KIND === 'anthropic') {
        assert.deepEqual(sent, ['POST /v1/messages/count_tokens model=text']);
        assert.equal(data.input_tokens, tokens);
        assert.equal(response.headers.get('x-onegate-token-count'), 'exact');
      } else {
        assert.deepEqual(sent, [], 'counted locally, without a provider call');
        assert.ok(data.input_tokens >= tokens, `estimate ${data.input_tokens} < Anthropic's count ${tokens}`);
        assert.equal(response.headers.get('x-onegate-token-count'), 'estimate');
      }
    }
  });

  test('an image block (base64 PNG) is accepted', TEST_TIMEOUT, async () => {
    const message = await client.messages.create({
      model: 'fake/text',
      max_tokens: 1024,
      messages: [{ role: 'user', content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1PX } },
        { type: 'text', text: 'What is in this image?' },
      ] }],
    });
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(textOf(message), EXPECTED.text);
  });

  test('Bearer auth and the beta endpoint (?beta=true) work too', TEST_TIMEOUT, async () => {
    const bearer = new Anthropic({ baseURL: gateway.url, apiKey: null, authToken: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
    const message = await bearer.beta.messages.create({
      model: 'fake/text', max_tokens: 1024, messages: question, betas: ['interleaved-thinking-2025-05-14'],
    });
    assert.equal(textOf(message), EXPECTED.text);
  });

  test('a wrong access key raises AuthenticationError (401) in the Anthropic error shape', TEST_TIMEOUT, async () => {
    const stranger = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-test-not-a-onegate-key', maxRetries: 0 });
    for (const call of [() => stranger.messages.create({ model: 'fake/text', max_tokens: 16, messages: question }),
                        () => stranger.models.list()]) {
      const error = await rejection(call());
      assert.ok(error instanceof Anthropic.AuthenticationError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.error?.type, 'error');
      assert.equal(error.error?.error?.type, 'authentication_error');
      assert.ok(!String(error.message).includes('sk-test-not-a-onegate-key'));
    }
  });

  test('an unknown model raises NotFoundError (404)', TEST_TIMEOUT, async () => {
    for (const model of ['no-such-model', 'fake/error-404']) {
      const error = await rejection(client.messages.create({ model, max_tokens: 16, messages: question }));
      assert.ok(error instanceof Anthropic.NotFoundError, `${model}: ${error}`);
      assert.equal(error.status, 404);
      assert.equal(error.error?.type, 'error');
      assert.equal(error.error?.error?.type, 'not_found_error', `${model}: ${JSON.stringify(error.error)}`);
    }
  });

  test('a 429 before the stream raises RateLimitError (SDK retries off)', TEST_TIMEOUT, async () => {
    const error = await rejection(client.messages.create({ model: 'fake/error-429', max_tokens: 16, messages: question, stream: true }));
    assert.ok(error instanceof Anthropic.RateLimitError, String(error));
    assert.equal(error.status, 429);
    assert.equal(error.error?.error?.type, 'rate_limit_error');
    if (EXPECTED.retryAfter)
      assert.equal(header(error, 'retry-after'), EXPECTED.retryAfter);

    const helper = await rejection(client.messages.stream({ model: 'fake/error-429', max_tokens: 16, messages: question }).finalMessage());
    assert.ok(helper instanceof Anthropic.RateLimitError, String(helper));
  });

  test('an upstream failure mid-stream surfaces as APIError after the text so far', TEST_TIMEOUT, async () => {
    const stream = client.messages.stream({ model: 'fake/midstream-error', max_tokens: 1024, messages: question });
    let text = '';
    const error = await rejection((async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          text += event.delta.text;
      }
    })());
    assert.ok(error instanceof Anthropic.APIError, String(error));
    assert.match(String(error.message), EXPECTED.midstream.message);
    assert.equal(text, EXPECTED.midstream.text);
  });

  test('an overloaded provider raises OverloadedError (529)', { ...TEST_TIMEOUT, skip: KIND === 'anthropic' ? false : 'only Anthropic answers 529' }, async () => {
    const error = await rejection(client.messages.create({ model: 'fake/overloaded', max_tokens: 16, messages: question }));
    assert.ok(error instanceof Anthropic.InternalServerError, String(error));
    assert.equal(error.status, 529);
    assert.equal(error.error?.error?.type, 'overloaded_error');
  });

  test('models.list() pages through the configured models in Anthropic\'s shape', TEST_TIMEOUT, async () => {
    const first = await client.models.list({ limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.has_more, true);
    assert.equal(first.first_id, first.data[0].id);
    assert.equal(first.last_id, first.data[1].id);

    const models = [];
    for await (const model of client.models.list({ limit: 2 }))
      models.push(model);
    const ids = models.map((model) => model.id);
    assert.equal(new Set(ids).size, ids.length, `listed twice: ${ids}`);
    for (const id of MODELS)
      assert.ok(ids.includes(id), `${id} missing from ${JSON.stringify(ids)}`);
    for (const model of models) {
      assert.equal(model.type, 'model');
      assert.equal(typeof model.display_name, 'string');
      assert.ok(!Number.isNaN(Date.parse(model.created_at)), `created_at ${model.created_at}`);
    }
    const one = await client.models.retrieve('text');
    assert.equal(one.type, 'model');
    assert.equal(one.id, 'text');
  });
});
