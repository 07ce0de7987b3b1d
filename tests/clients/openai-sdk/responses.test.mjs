// The official `openai` npm client's Responses API (client.responses) against a headless
// OneGate's POST /v1/responses (issue 10), once per provider kind behind it.
//
// FAKE_KIND (set by CTest) picks the provider: openai, anthropic, gemini or ollama
// (`fake_upstream --kind KIND`; OneGate translates Responses through Chat Completions), or
// passthrough (an openai provider with `"responses": true`, to which OneGate forwards the
// Responses body itself; the openai fake answers /responses for `text` and `tool` from
// the recorded Responses fixtures). Models are pinned as `fake/SCENARIO`.
//
// Translated kinds: the expected answers are what the same gateway says through
// /v1/chat/completions for the same scenario (that path has its own suites), so every
// kind reads the same here. Passthrough: the recorded Responses fixtures' own values.
// Environment (CTest sets it): ONEGATE_BIN, FAKE_UPSTREAM_BIN, FAKE_KIND.
// Run: FAKE_KIND=anthropic node --test responses.test.mjs  (from the folder holding node_modules/openai)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, rejection, waitFor } from '../harness.mjs';

const KIND = process.env.FAKE_KIND ?? 'openai';
const PASSTHROUGH = KIND === 'passthrough';
const ACCESS_KEY = 'sk-test-onegateresp-6789';
const UPSTREAM_KEY = 'sk-test-respupstream-3210';
const TEST_TIMEOUT = { timeout: 20_000 };
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const QUESTION = 'What is the weather in San Francisco?';
const tools = [{
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { location: { type: 'string' }, units: { type: 'string' } } },
  strict: false,
}];

// tests/data/fixtures/openai: responses_response_text_recorded.json,
// responses_stream.adapted.sse and responses_response_function_call_spec.json.
const PASSTHROUGH_EXPECTED = {
  text: "I can't provide real-time updates, but you can easily check the current weather in San Francisco using a weather website or app. Typically, San Francisco has cool, foggy summers and mild winters, so it's good to be prepared for variable weather!",
  usage: { input_tokens: 14, output_tokens: 50, total_tokens: 64 },
  streamText: 'Hi there! How can I assist you today?',
  streamUsage: { input_tokens: 37, output_tokens: 11, total_tokens: 48 },
  calls: [{ call_id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_current_weather',
            arguments: { location: 'Boston, MA', unit: 'celsius' } }],
};

// Every event type a client may see, and the stream grammar the issue asks for.
const EVENT_TYPES = new Set([
  'response.created', 'response.in_progress', 'response.output_item.added',
  'response.content_part.added', 'response.output_text.delta', 'response.output_text.done',
  'response.content_part.done', 'response.function_call_arguments.delta',
  'response.function_call_arguments.done', 'response.output_item.done', 'response.completed',
  'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done',
  'response.reasoning_text.delta', 'response.reasoning_text.done',
]);

function usageOf(usage) {
  return { input_tokens: usage?.input_tokens, output_tokens: usage?.output_tokens, total_tokens: usage?.total_tokens };
}

// The text and function calls of a Responses `output` array.
function outputOf(output) {
  const result = { text: '', calls: [] };
  for (const item of output) {
    if (item.type === 'message') {
      for (const part of item.content)
        result.text += part.type === 'output_text' ? part.text : '';
    } else if (item.type === 'function_call') {
      result.calls.push(item);
    }
  }
  return result;
}

function callsOf(output) {
  return outputOf(output).calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) }));
}

// Checks a whole event sequence against the Responses stream grammar and returns what it
// said: created, in_progress first, completed last, sequence numbers 0..n-1, and per
// output item: added, then its parts and deltas, their .done events, then output_item.done
// with the complete item; completed.response.output holds exactly those items.
function checkEventOrder(events) {
  const types = events.map((event) => event.type);
  const where = () => types.join('\n');
  assert.ok(events.length >= 4, where());
  assert.equal(types[0], 'response.created', where());
  assert.equal(types[1], 'response.in_progress', where());
  assert.equal(types.at(-1), 'response.completed', where());
  assert.equal(types.filter((type) => type === 'response.completed').length, 1, where());
  events.forEach((event, index) => {
    assert.ok(EVENT_TYPES.has(event.type), `unexpected event ${event.type}:\n${where()}`);
    assert.equal(event.sequence_number, index, `sequence_number of event ${index} (${event.type})`);
  });
  const created = events[0].response;
  assert.equal(created.status, 'in_progress');
  assert.match(created.id, /^resp_/);

  const items = new Map();  // output_index -> { item, text, args, parts, done, textDone }
  let deltas = '';
  for (const [index, event] of events.entries()) {
    const at = `event ${index} ${event.type}:\n${where()}`;
    if (event.type === 'response.output_item.added') {
      assert.ok(!items.has(event.output_index), at);
      assert.equal(event.output_index, items.size, at);
      items.set(event.output_index, { item: event.item, text: '', args: '', parts: 0, done: null, textDone: false });
      continue;
    }
    if (!('output_index' in event))
      continue;
    const slot = items.get(event.output_index);
    assert.ok(slot, `${at}\n(no output_item.added before it)`);
    assert.equal(slot.done, null, `${at}\n(after output_item.done)`);
    switch (event.type) {
    case 'response.content_part.added':
      assert.equal(slot.item.type, 'message', at);
      slot.parts += 1;
      break;
    case 'response.output_text.delta':
      assert.equal(slot.parts, 1, at);
      assert.equal(slot.textDone, false, at);
      slot.text += event.delta;
      deltas += event.delta;
      break;
    case 'response.output_text.done':
      assert.equal(event.text, slot.text, at);
      slot.textDone = true;
      break;
    case 'response.content_part.done':
      assert.ok(slot.textDone, at);
      assert.equal(event.part.text, slot.text, at);
      break;
    case 'response.function_call_arguments.delta':
      assert.equal(slot.item.type, 'function_call', at);
      slot.args += event.delta;
      break;
    case 'response.function_call_arguments.done':
      assert.equal(event.arguments, slot.args, at);
      break;
    case 'response.output_item.done':
      slot.done = event.item;
      if (event.item.type === 'message')
        assert.equal(outputOf([event.item]).text, slot.text, at);
      if (event.item.type === 'function_call') {
        assert.equal(event.item.arguments, slot.args, at);
        assert.ok(event.item.call_id, at);
        assert.ok(event.item.name, at);
      }
      break;
    }
  }
  const completed = events.at(-1).response;
  assert.equal(completed.status, 'completed');
  assert.equal(completed.id, created.id);
  const doneItems = [...items.values()].map((slot) => slot.done);
  assert.ok(doneItems.every(Boolean), `an item without output_item.done:\n${where()}`);
  assert.deepEqual(completed.output, doneItems);
  return { completed, deltas };
}

describe(`openai SDK responses through headless OneGate to ${PASSTHROUGH ? 'an openai provider with responses: true (passthrough)' : `a ${KIND} provider (translated)`}`, () => {
  let gateway;
  let client;
  let expected;  // { text, usage, streamText, streamUsage, calls, streamCalls }

  before(async () => {
    gateway = await startGateway({
      kind: PASSTHROUGH ? 'openai' : KIND,
      models: ['text', 'tool'],
      accessKey: ACCESS_KEY,
      upstreamKey: UPSTREAM_KEY,
      // One upstream answer per request, relayed as mapped: retries are the router's.
      config: { router: { max_attempts: 1, breaker: { cooldown_ms: 1 } } },
      provider: PASSTHROUGH ? { responses: true } : {},
      fakeArgs: ['--log-requests'],
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: ACCESS_KEY, maxRetries: 0, timeout: 15_000 });
    if (PASSTHROUGH) {
      expected = PASSTHROUGH_EXPECTED;
      return;
    }
    // The reference: the same scenarios through /v1/chat/completions.
    const messages = [{ role: 'user', content: QUESTION }];
    const chatTools = tools.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } }));
    const text = await client.chat.completions.create({ model: 'fake/text', messages });
    let streamText = '';
    let streamUsage = null;
    for await (const chunk of await client.chat.completions.create(
      { model: 'fake/text', messages, stream: true, stream_options: { include_usage: true } })) {
      streamText += chunk.choices[0]?.delta?.content ?? '';
      streamUsage = chunk.usage ?? streamUsage;
    }
    const tool = await client.chat.completions.create({ model: 'fake/tool', messages, tools: chatTools });
    const streamTool = await client.chat.completions.stream({ model: 'fake/tool', messages, tools: chatTools }).finalChatCompletion();
    const asCalls = (message) => (message.tool_calls ?? []).map((call) => (
      { name: call.function.name, arguments: JSON.parse(call.function.arguments) }));
    const asUsage = (usage) => ({ input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens });
    expected = {
      text: text.choices[0].message.content,
      usage: asUsage(text.usage),
      streamText,
      streamUsage: asUsage(streamUsage),
      calls: asCalls(tool.choices[0].message),
      streamCalls: asCalls(streamTool.choices[0].message),
    };
    assert.ok(expected.text && expected.streamText && expected.calls.length > 0, JSON.stringify(expected));
    // The fake logs each request on its own stdout, which can arrive after the answer:
    // the four above must be in the log before a test marks where its own begin.
    await waitFor(() => upstreamSince(0).length >= 4, 5_000, 'the fake to log the reference requests');
  }, { timeout: 40_000 });

  after(async () => {
    const output = gateway?.onegate?.output() ?? '';
    const onegateExit = gateway ? await gateway.stopAll() : 0;
    assert.equal(onegateExit, 0, `onegate exit after SIGTERM; its output:\n${output}`);
  }, { timeout: 15_000 });

  // The requests the fake received since `mark` (its output length), as "METHOD PATH model=M".
  function upstreamSince(mark) {
    return [...gateway.fake.output().slice(mark).matchAll(/^request (.*)$/gm)].map((match) => match[1]);
  }

  test('responses.create: output_text, status, usage', TEST_TIMEOUT, async () => {
    const mark = gateway.fake.output().length;
    const response = await client.responses.create({
      model: 'fake/text', input: QUESTION, instructions: 'Answer briefly.', max_output_tokens: 500, store: false,
    });
    assert.equal(response.object, 'response');
    assert.match(response.id, /^resp_/);
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, expected.text);
    assert.equal(outputOf(response.output).text, expected.text);
    const message = response.output.find((item) => item.type === 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.status, 'completed');
    assert.deepEqual(usageOf(response.usage), expected.usage);
    await waitFor(() => upstreamSince(mark).length >= 1, 5_000, 'the fake to log the request');
    const sent = upstreamSince(mark);
    assert.equal(sent.length, 1, sent.join('\n'));
    if (PASSTHROUGH)
      assert.match(sent[0], /^POST \/v1\/responses model=text$/);
    else
      assert.doesNotMatch(sent[0], /\/responses/);
  });

  test('input as message items with input_text parts', TEST_TIMEOUT, async () => {
    const response = await client.responses.create({
      model: 'fake/text',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Answer briefly.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: QUESTION }] },
      ],
      store: false,
    });
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, expected.text);
  });

  test('responses.stream(...).finalResponse()', TEST_TIMEOUT, async () => {
    const stream = client.responses.stream({ model: 'fake/text', input: QUESTION, store: false });
    let deltas = '';
    stream.on('response.output_text.delta', (event) => { deltas += event.delta; });
    const final = await stream.finalResponse();
    assert.equal(final.status, 'completed');
    // openai 5.23's finalResponse() sets output_text only for parseable requests.
    assert.equal(outputOf(final.output).text, expected.streamText);
    assert.equal(deltas, expected.streamText);
    assert.deepEqual(usageOf(final.usage), expected.streamUsage);
  });

  test('stream: true: events in order, created -> ... -> completed', TEST_TIMEOUT, async () => {
    const events = [];
    for await (const event of await client.responses.create({ model: 'fake/text', input: QUESTION, stream: true, store: false }))
      events.push(event);
    const { completed, deltas } = checkEventOrder(events);
    assert.equal(deltas, expected.streamText);
    assert.equal(outputOf(completed.output).text, expected.streamText);
    assert.deepEqual(usageOf(completed.usage), expected.streamUsage);
    const types = events.map((event) => event.type);
    for (const type of ['response.output_item.added', 'response.content_part.added', 'response.output_text.delta',
                        'response.output_text.done', 'response.content_part.done', 'response.output_item.done'])
      assert.ok(types.includes(type), `no ${type}:\n${types.join('\n')}`);
  });

  // The fake streams Responses answers for `text` only: a streamed tool call is tested
  // on the translated kinds.
  test('streamed function call: arguments deltas, complete item in output_item.done', { ...TEST_TIMEOUT, skip: PASSTHROUGH && 'the fake streams Responses for `text` only' }, async () => {
    const events = [];
    for await (const event of await client.responses.create({ model: 'fake/tool', input: QUESTION, tools, stream: true, store: false }))
      events.push(event);
    const { completed } = checkEventOrder(events);
    const types = events.map((event) => event.type);
    assert.ok(types.includes('response.function_call_arguments.delta'), types.join('\n'));
    assert.ok(types.includes('response.function_call_arguments.done'), types.join('\n'));
    assert.deepEqual(callsOf(completed.output), expected.streamCalls);

    const final = await client.responses.stream({ model: 'fake/tool', input: QUESTION, tools, store: false }).finalResponse();
    assert.deepEqual(callsOf(final.output), expected.streamCalls);
  });

  test('function tool round trip over two turns (store: false)', TEST_TIMEOUT, async () => {
    const question = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: QUESTION }] }];
    const first = await client.responses.create({ model: 'fake/tool', input: question, tools, store: false });
    assert.equal(first.status, 'completed');
    const calls = outputOf(first.output).calls;
    assert.deepEqual(calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) })),
                     expected.calls.map(({ name, arguments: args }) => ({ name, arguments: args })));
    if (PASSTHROUGH)
      assert.deepEqual(calls.map((call) => call.call_id), expected.calls.map((call) => call.call_id));
    for (const call of calls) {
      assert.equal(call.type, 'function_call');
      assert.ok(call.call_id, JSON.stringify(call));
    }

    // The whole history again, as a stateless client sends it: the question, every item the
    // model returned (ids included), and one function_call_output per call.
    const mark = gateway.fake.output().length;
    const second = await client.responses.create({
      model: 'fake/text',
      input: [
        ...question,
        ...first.output,
        ...calls.map((call) => ({ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":"68F","sky":"sunny"}' })),
      ],
      tools,
      store: false,
    });
    assert.equal(second.status, 'completed');
    assert.equal(second.output_text, expected.text);
    assert.equal(upstreamSince(mark).length, 1);
  });

  test('input_image as a data URL', TEST_TIMEOUT, async () => {
    const response = await client.responses.create({
      model: 'fake/text',
      input: [{ role: 'user', content: [
        { type: 'input_text', text: 'What is in this image?' },
        { type: 'input_image', image_url: `data:image/png;base64,${PNG_1PX}`, detail: 'auto' },
      ] }],
      store: false,
    });
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, expected.text);
  });

  test('previous_response_id and store: true are a 400 BadRequestError (stateless)', TEST_TIMEOUT, async () => {
    for (const extra of [{ previous_response_id: 'resp_0123456789abcdef' }, { store: true }]) {
      const mark = gateway.fake.output().length;
      const error = await rejection(client.responses.create({ model: 'fake/text', input: QUESTION, ...extra }));
      assert.ok(error instanceof OpenAI.BadRequestError, `${JSON.stringify(extra)}: ${error}`);
      assert.equal(error.status, 400);
      assert.match(error.message, /stateless/);
      assert.equal(error.type, 'invalid_request_error');
      assert.deepEqual(upstreamSince(mark), [], 'nothing reached the provider');
    }
  });

  test('an upstream 429 is a RateLimitError (maxRetries 0), streamed or not', TEST_TIMEOUT, async () => {
    // The same 429 through /v1/chat/completions: its Retry-After (the openai fake sends
    // one, the gemini recording has none) must reach a Responses client too.
    const reference = await rejection(client.chat.completions.create(
      { model: 'fake/error-429', messages: [{ role: 'user', content: QUESTION }] }));
    assert.ok(reference instanceof OpenAI.RateLimitError, String(reference));
    if (KIND === 'openai' || PASSTHROUGH)
      assert.equal(reference.headers.get('retry-after'), '7');
    for (const stream of [false, true]) {
      const error = await rejection(client.responses.create({ model: 'fake/error-429', input: QUESTION, stream, store: false }));
      assert.ok(error instanceof OpenAI.RateLimitError, `stream ${stream}: ${error}`);
      assert.equal(error.status, 429);
      assert.equal(error.headers.get('retry-after'), reference.headers.get('retry-after'), `stream ${stream}`);
      assert.equal(error.message, reference.message, `stream ${stream}`);
    }
  });

  test('an unknown model is a 404 NotFoundError', TEST_TIMEOUT, async () => {
    const error = await rejection(client.responses.create({ model: 'no-such-model', input: QUESTION, store: false }));
    assert.ok(error instanceof OpenAI.NotFoundError, String(error));
    assert.equal(error.status, 404);
  });

  // The fake has no Responses recording of a broken stream (it would send Chat frames).
  test('a failure mid-stream ends it with response.failed', { ...TEST_TIMEOUT, skip: PASSTHROUGH && 'no recorded broken Responses stream' }, async () => {
    const events = [];
    for await (const event of await client.responses.create({ model: 'fake/midstream-error', input: QUESTION, stream: true, store: false }))
      events.push(event);
    const types = events.map((event) => event.type);
    assert.equal(types[0], 'response.created', types.join('\n'));
    assert.ok(['response.failed', 'error'].includes(types.at(-1)), types.join('\n'));
    if (types.at(-1) === 'response.failed') {
      assert.equal(events.at(-1).response.status, 'failed');
      assert.ok(events.at(-1).response.error?.message, JSON.stringify(events.at(-1)));
    }
    assert.ok(!types.includes('response.completed'), types.join('\n'));
  });
});
