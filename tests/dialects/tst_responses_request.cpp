// The OpenAI Responses dialect's request side: /v1/responses bodies decoded into the
// OpenAI Chat body the relay takes. Golden checks on the decoded body (the spec's
// requests and a Codex-like multi-turn history), the decoded body through the openai
// adapter's own Chat decoder (every translating adapter's entry), namespace tools and
// the way back to their names, the stateless refusals, and error and untranslatable rows.

#include "dialects/OpenAiResponsesAnswerEncoder.h"
#include "dialects/OpenAiResponsesRequestDecoder.h"
#include "openai/OpenAiChatCodec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

using Decoder = OpenAiResponsesRequestDecoder;
using Encoder = OpenAiResponsesAnswerEncoder;

QByteArray fixture(const QString &path)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(path));
    return file.readAll();
}

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (!document.isObject())
        qFatal("bad test JSON (%s): %s", qPrintable(error.errorString()), text.constData());
    return document.object();
}

QByteArray bytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

ChatEnvelope decoded(const QByteArray &body)
{
    auto result = Decoder::decode(body);
    if (const ApiError *error = std::get_if<ApiError>(&result))
        qFatal("decode failed: %s", qPrintable(error->message));
    const ChatEnvelope envelope = std::get<ChatEnvelope>(result);
    if (envelope.untranslatable)
        qFatal("untranslatable: %s", qPrintable(envelope.untranslatable->message));
    return envelope;
}

// The decoded body through the openai adapter's Chat decoder, as every translating
// adapter takes it.
canonical::Request canonicalOf(const QJsonObject &body)
{
    auto request = decodeOpenAiChatRequest(body);
    if (const ApiError *error = std::get_if<ApiError>(&request))
        qFatal("OpenAI codec refused the decoded body: %s (%s)", qPrintable(error->message), qPrintable(error->param));
    return std::get<canonical::Request>(request);
}

QList<canonical::Message::Role> roles(const canonical::Request &request)
{
    QList<canonical::Message::Role> out;
    for (const canonical::Message &message : request.messages)
        out.append(message.role);
    return out;
}

// A request with `fields` on top of a one-message base.
QByteArray withFields(const QByteArray &fields)
{
    QJsonObject request = json(R"({"model":"gpt-5","input":"hi"})");
    const QJsonObject extra = json(fields);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        request.insert(it.key(), it.value());
    return bytes(request);
}

const QByteArray kShellParameters =
    R"({"type":"object","properties":{"command":{"type":"array","items":{"type":"string"}}},"required":["command"],"additionalProperties":false})";
const QByteArray kReadParameters =
    R"({"type":"object","properties":{"path":{"type":"string"}},"required":["path"]})";

// (JSON in raw strings spells a quote inside a string \u0022 and "//" as "\/\/": moc
// reads \" and // inside raw strings as C++ and then loses the test class.)
// What Codex sends on a later turn: instructions, a developer message and environment
// context, a user turn with a screenshot, signed reasoning, assistant text with two tool
// calls (one into an MCP server's namespace), their outputs (one with an image), more
// reasoning, a final answer and the next user message; function, namespace, hosted and
// free-form tools.
QJsonObject codexRequest()
{
    return json(R"({
      "model": "gpt-5-codex",
      "instructions": "You are Codex, a coding agent.",
      "input": [
        {"type": "message", "role": "developer",
         "content": [{"type": "input_text", "text": "<permissions instructions>workspace-write</permissions instructions>"}]},
        {"type": "message", "role": "user",
         "content": [{"type": "input_text", "text": "<environment_context><cwd>/src</cwd></environment_context>"}]},
        {"type": "message", "role": "user",
         "content": [{"type": "input_text", "text": "What is on this screen? Then list the files."},
                     {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}]},
        {"type": "reasoning", "id": "rs_01", "summary": [{"type": "summary_text", "text": "**Looking at the screen**"}],
         "content": null, "encrypted_content": "gAAAAABo-opaque-1"},
        {"type": "message", "id": "msg_01", "role": "assistant", "status": "completed",
         "content": [{"type": "output_text", "text": "A terminal. Listing the files.", "annotations": [], "logprobs": []}]},
        {"type": "function_call", "id": "fc_01", "call_id": "call_A", "name": "shell",
         "arguments": "{\u0022command\u0022:[\u0022ls\u0022]}", "status": "completed"},
        {"type": "function_call", "id": "fc_02", "call_id": "call_B", "name": "read", "namespace": "mcp__fs__",
         "arguments": "{\u0022path\u0022:\u0022README.md\u0022}"},
        {"type": "function_call_output", "call_id": "call_A", "output": "README.md\nsrc"},
        {"type": "function_call_output", "call_id": "call_B",
         "output": [{"type": "input_text", "text": "# OneGate"},
                    {"type": "input_image", "image_url": "https:\/\/example.com/logo.png", "detail": "low"}]},
        {"type": "reasoning", "id": "rs_02", "summary": [], "encrypted_content": "gAAAAABo-opaque-2"},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Two entries."}]},
        {"role": "user", "content": "Thanks"}
      ],
      "tools": [
        {"type": "function", "name": "shell", "description": "Runs a shell command", "strict": false,
         "parameters": )" + kShellParameters + R"(},
        {"type": "namespace", "name": "mcp__fs__", "description": "Tools in the mcp__fs__ namespace.",
         "tools": [{"type": "function", "name": "read", "description": "Read a file", "strict": false,
                    "parameters": )" + kReadParameters + R"(},
                   {"type": "custom", "name": "freeform", "description": "x"}]},
        {"type": "web_search"},
        {"type": "custom", "name": "apply_patch", "description": "Edit files",
         "format": {"type": "grammar", "syntax": "lark", "definition": "start: /.+/"}}
      ],
      "tool_choice": "auto",
      "parallel_tool_calls": true,
      "reasoning": {"effort": "medium", "summary": "auto"},
      "store": false,
      "stream": true,
      "include": ["reasoning.encrypted_content"],
      "prompt_cache_key": "019a2b3c-session",
      "text": {"verbosity": "low"}
    })");
}

QJsonObject codexExpectedChat()
{
    return json(R"({
      "model": "gpt-5-codex",
      "messages": [
        {"role": "system", "content": "You are Codex, a coding agent."},
        {"role": "developer", "content": "<permissions instructions>workspace-write</permissions instructions>"},
        {"role": "user", "content": "<environment_context><cwd>/src</cwd></environment_context>"},
        {"role": "user", "content": [
          {"type": "text", "text": "What is on this screen? Then list the files."},
          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}}]},
        {"role": "assistant", "content": "A terminal. Listing the files.", "tool_calls": [
          {"id": "call_A", "type": "function", "function": {"name": "shell", "arguments": "{\u0022command\u0022:[\u0022ls\u0022]}"}},
          {"id": "call_B", "type": "function", "function": {"name": "mcp__fs__read", "arguments": "{\u0022path\u0022:\u0022README.md\u0022}"}}]},
        {"role": "tool", "tool_call_id": "call_A", "content": "README.md\nsrc"},
        {"role": "tool", "tool_call_id": "call_B", "content": "# OneGate"},
        {"role": "user", "content": [
          {"type": "image_url", "image_url": {"url": "https:\/\/example.com/logo.png", "detail": "low"}}]},
        {"role": "assistant", "content": "Two entries."},
        {"role": "user", "content": "Thanks"}
      ],
      "tools": [
        {"type": "function", "function": {"name": "shell", "description": "Runs a shell command", "strict": false,
                                          "parameters": )" + kShellParameters + R"(}},
        {"type": "function", "function": {"name": "mcp__fs__read", "description": "Read a file", "strict": false,
                                          "parameters": )" + kReadParameters + R"(}}
      ],
      "tool_choice": "auto",
      "parallel_tool_calls": true,
      "reasoning_effort": "medium",
      "verbosity": "low",
      "stream": true,
      "stream_options": {"include_usage": true}
    })");
}

} // namespace

class TestResponsesRequest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void fixturesThroughChatCodec();
    void codexHistoryGolden();
    void codexHistoryThroughChatCodec();
    void functionCallMerging();
    void thinkingRoundTrip();
    void droppedItems();
    void flatToolNames_data();
    void flatToolNames();
    void longNamespaceNames();
    void splitToolName();
    void namespaceCollision();
    void droppedTools();
    void toolChoice_data();
    void toolChoice();
    void options_data();
    void options();
    void store_data();
    void store();
    void errors_data();
    void errors();
    void untranslatable_data();
    void untranslatable();
};

void TestResponsesRequest::fixtures_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("expected");
    QTest::newRow("text") << u"openai/responses_request_text.json"_s << json(R"({
        "model": "gpt-5.4",
        "messages": [{"role": "user", "content": "Tell me a three sentence bedtime story about a unicorn."}]})");
    QTest::newRow("stream") << u"openai/responses_request_stream.json"_s << json(R"({
        "model": "gpt-5.4",
        "messages": [{"role": "system", "content": "You are a helpful assistant."},
                     {"role": "user", "content": "Hello!"}],
        "stream": true,
        "stream_options": {"include_usage": true}})");
    QTest::newRow("function tools") << u"openai/responses_request_function_tools.json"_s << json(R"({
        "model": "gpt-5.4",
        "messages": [{"role": "user", "content": "What is the weather like in Boston today?"}],
        "tools": [{"type": "function", "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
              "type": "object",
              "properties": {
                "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
              },
              "required": ["location", "unit"]}}}],
        "tool_choice": "auto"})");
}

// Every spec request decodes to the Chat body it means, and keeps itself as `native`.
void TestResponsesRequest::fixtures()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, expected);
    const QByteArray body = fixture(path);
    const ChatEnvelope envelope = decoded(body);
    QCOMPARE(envelope.body, expected);
    QCOMPARE(envelope.native, json(body));
    QCOMPARE(envelope.model, u"gpt-5.4"_s);
    QCOMPARE(envelope.stream, json(body).value("stream"_L1).toBool());
    QCOMPARE(envelope.includeUsage, envelope.stream);
    QVERIFY(!envelope.untranslatable);
}

void TestResponsesRequest::fixturesThroughChatCodec()
{
    using Role = canonical::Message::Role;
    const canonical::Request text = canonicalOf(decoded(fixture(u"openai/responses_request_text.json"_s)).body);
    QCOMPARE(roles(text), QList<Role>{Role::User});
    QCOMPARE(text.messages.first().text(), u"Tell me a three sentence bedtime story about a unicorn."_s);

    const canonical::Request stream = canonicalOf(decoded(fixture(u"openai/responses_request_stream.json"_s)).body);
    QCOMPARE(roles(stream), (QList<Role>{Role::System, Role::User}));
    QCOMPARE(stream.messages.first().text(), u"You are a helpful assistant."_s);
    QVERIFY(stream.stream);
    QVERIFY(stream.includeUsage);

    const QByteArray toolsBody = fixture(u"openai/responses_request_function_tools.json"_s);
    const canonical::Request tools = canonicalOf(decoded(toolsBody).body);
    QCOMPARE(tools.tools.size(), 1);
    QCOMPARE(tools.tools.first().name, u"get_current_weather"_s);
    QCOMPARE(tools.tools.first().description, u"Get the current weather in a given location"_s);
    QCOMPARE(tools.tools.first().parameters,
             json(toolsBody).value("tools"_L1).toArray().first().toObject().value("parameters"_L1).toObject());
    QVERIFY(!tools.tools.first().strict);
    QVERIFY(tools.toolChoice);
    QCOMPARE(tools.toolChoice->mode, canonical::ToolChoice::Mode::Auto);
}

void TestResponsesRequest::codexHistoryGolden()
{
    const QJsonObject request = codexRequest();
    const ChatEnvelope envelope = decoded(bytes(request));
    QCOMPARE(envelope.model, u"gpt-5-codex"_s);
    QVERIFY(envelope.stream);
    QVERIFY(envelope.includeUsage);
    QCOMPARE(envelope.native, request);
    const QJsonArray actual = envelope.body.value("messages"_L1).toArray();
    const QJsonArray expected = codexExpectedChat().value("messages"_L1).toArray();
    QCOMPARE(actual.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QVERIFY2(actual.at(i) == expected.at(i), qPrintable(u"message %1: %2"_s.arg(i).arg(
            QString::fromUtf8(QJsonDocument(actual.at(i).toObject()).toJson(QJsonDocument::Compact)))));
    QCOMPARE(envelope.body, codexExpectedChat());
}

// The same history as every translating adapter reads it.
void TestResponsesRequest::codexHistoryThroughChatCodec()
{
    using Role = canonical::Message::Role;
    const canonical::Request chat = canonicalOf(decoded(bytes(codexRequest())).body);
    QCOMPARE(roles(chat), (QList<Role>{Role::System, Role::System, Role::User, Role::User, Role::Assistant, Role::Tool,
                                       Role::Tool, Role::User, Role::Assistant, Role::User}));
    const canonical::Message &screenshot = chat.messages.at(3);
    QCOMPARE(screenshot.content.size(), 2);
    QCOMPARE(screenshot.content.at(1).type, canonical::ContentPart::Type::Image);
    QCOMPARE(screenshot.content.at(1).image.mimeType, u"image/png"_s);
    QCOMPARE(screenshot.content.at(1).image.base64, QByteArray("iVBORw0KGgo="));
    QCOMPARE(screenshot.content.at(1).image.detail, u"high"_s);

    const canonical::Message &assistant = chat.messages.at(4);
    QCOMPARE(assistant.text(), u"A terminal. Listing the files."_s);
    QVERIFY(assistant.reasoning.isEmpty());  // the encrypted reasoning stays behind
    QCOMPARE(assistant.toolCalls.size(), 2);
    QCOMPARE(assistant.toolCalls.at(0).id, u"call_A"_s);
    QCOMPARE(assistant.toolCalls.at(1).name, u"mcp__fs__read"_s);
    QCOMPARE(assistant.toolCalls.at(1).arguments, uR"({"path":"README.md"})"_s);

    QCOMPARE(chat.messages.at(5).toolCallId, u"call_A"_s);
    QCOMPARE(chat.messages.at(5).name, u"shell"_s);
    QCOMPARE(chat.messages.at(6).toolCallId, u"call_B"_s);
    QCOMPARE(chat.messages.at(6).name, u"mcp__fs__read"_s);
    QCOMPARE(chat.messages.at(6).text(), u"# OneGate"_s);
    QCOMPARE(chat.messages.at(7).content.first().image.url, u"https://example.com/logo.png"_s);

    QCOMPARE(chat.tools.size(), 2);
    QCOMPARE(chat.tools.at(1).name, u"mcp__fs__read"_s);
    QCOMPARE(chat.tools.at(1).parameters, json(kReadParameters));
    QCOMPARE(chat.reasoningEffort, u"medium"_s);
    QCOMPARE(chat.parallelToolCalls, std::optional<bool>(true));
    QVERIFY(chat.includeUsage);
}

// Reasoning items OneGate made from a provider's thinking come back as those blocks, on
// the assistant turn after them, with their signatures unchanged; OpenAI's own encrypted
// reasoning, and reasoning with no assistant turn after it, do not.
void TestResponsesRequest::thinkingRoundTrip()
{
    const QByteArray sealed = Encoder::sealedThinking(u"sig-A=="_s).toUtf8();
    const QByteArray redacted = Encoder::sealedThinking(u"REDACTED=="_s).toUtf8();
    const QByteArray input = R"({"input": [
      {"role": "user", "content": "27 * 453?"},
      {"type": "reasoning", "id": "rs_x", "summary": [],
       "content": [{"type": "reasoning_text", "text": "Let me multiply."}], "encrypted_content": ")" + sealed + R"("},
      {"type": "reasoning", "id": "rs_x_1", "summary": [], "encrypted_content": ")" + redacted + R"("},
      {"type": "reasoning", "id": "rs_openai", "summary": [], "encrypted_content": "gAAAAABo-openai-own"},
      {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Calling."}]},
      {"type": "function_call", "call_id": "toolu_1", "name": "multiply", "arguments": "{}"},
      {"type": "function_call_output", "call_id": "toolu_1", "output": "12231"},
      {"type": "reasoning", "id": "rs_y", "summary": [],
       "content": [{"type": "reasoning_text", "text": "dangling"}], "encrypted_content": ")" + sealed + R"("},
      {"role": "user", "content": "thanks"}
    ]})";
    const QJsonArray messages = decoded(withFields(input)).body.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 4);
    const QJsonObject assistant = messages.at(1).toObject();
    QCOMPARE(assistant.value("content"_L1).toString(), u"Calling."_s);
    QCOMPARE(assistant.value("reasoning_content"_L1).toString(), u"Let me multiply."_s);
    QCOMPARE(assistant.value("thinking_blocks"_L1).toArray(), json(R"({"blocks": [
      {"type": "thinking", "thinking": "Let me multiply.", "signature": "sig-A=="},
      {"type": "redacted_thinking", "data": "REDACTED=="}]})").value("blocks"_L1).toArray());
    QCOMPARE(assistant.value("tool_calls"_L1).toArray().size(), 1);
    QVERIFY(!messages.at(3).toObject().contains("thinking_blocks"_L1));

    // As every translating adapter reads it: the blocks with their signatures.
    const canonical::Request chat = canonicalOf(decoded(withFields(input)).body);
    const canonical::Message &turn = chat.messages.at(1);
    QCOMPARE(turn.reasoning.size(), 2);
    QCOMPARE(turn.reasoning.at(0).text, u"Let me multiply."_s);
    QCOMPARE(turn.reasoning.at(0).signature, u"sig-A=="_s);
    QCOMPARE(turn.reasoning.at(1).redactedData, u"REDACTED=="_s);

    // Only OneGate's seal opens.
    QCOMPARE(Encoder::unsealedThinking(u"gAAAAABo-openai-own"_s), std::nullopt);
    QCOMPARE(Encoder::unsealedThinking(Encoder::sealedThinking(u"x"_s)), std::optional<QString>(u"x"_s));
}

// Consecutive calls share one assistant message (also with the text before them); a call
// after a tool result starts a new one.
void TestResponsesRequest::functionCallMerging()
{
    const QJsonArray messages = decoded(withFields(R"({"input": [
        {"role": "user", "content": "go"},
        {"type": "function_call", "call_id": "c1", "name": "a", "arguments": "{}"},
        {"type": "reasoning", "id": "rs", "summary": []},
        {"type": "function_call", "call_id": "c2", "name": "b", "arguments": {"x": 1}},
        {"type": "function_call_output", "call_id": "c1", "output": "1"},
        {"type": "function_call_output", "call_id": "c2", "output": [{"type": "input_text", "text": "2a"},
                                                                     {"type": "input_text", "text": "2b"}]},
        {"type": "function_call", "call_id": "c3", "name": "a", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c3", "output": ""},
        {"type": "message", "role": "assistant", "content": [{"type": "refusal", "refusal": "I cannot."}]}
    ]})")).body.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 7);
    const QJsonObject first = messages.at(1).toObject();
    QVERIFY(first.value("content"_L1).isNull());
    QCOMPARE(first.value("tool_calls"_L1).toArray().size(), 2);
    QCOMPARE(first.value("tool_calls"_L1).toArray().at(1).toObject().value("function"_L1).toObject()
                 .value("arguments"_L1).toString(),
             uR"({"x":1})"_s);
    QCOMPARE(messages.at(3).toObject().value("content"_L1).toString(), u"2a\n2b"_s);
    QCOMPARE(messages.at(4).toObject().value("tool_calls"_L1).toArray().size(), 1);
    QCOMPARE(messages.at(5).toObject(), json(R"({"role":"tool","tool_call_id":"c3","content":""})"));
    QCOMPARE(messages.at(6).toObject(), json(R"({"role":"assistant","content":null,"refusal":"I cannot."})"));
    const canonical::Request chat = canonicalOf(decoded(withFields(R"({"input": [
        {"role": "user", "content": "go"},
        {"type": "function_call", "call_id": "c1", "name": "a", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "1"},
        {"type": "message", "role": "assistant", "content": [{"type": "refusal", "refusal": "No."}]}]})")).body);
    QCOMPARE(chat.messages.last().refusal, u"No."_s);
}

// Reasoning and hosted tool call items stay behind; what is left is the conversation.
void TestResponsesRequest::droppedItems()
{
    const QJsonObject body = decoded(withFields(R"({"input": [
        {"role": "user", "content": "search it"},
        {"type": "reasoning", "id": "rs", "summary": [], "encrypted_content": "x"},
        {"type": "web_search_call", "id": "ws", "status": "completed", "action": {"type": "search", "query": "q"}},
        {"type": "mcp_list_tools", "id": "ml", "server_label": "s", "tools": []},
        {"type": "mcp_call", "id": "mc", "server_label": "s", "name": "n", "arguments": "{}", "output": "o"},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "found"}]}
    ]})")).body;
    QCOMPARE(body.value("messages"_L1).toArray(), json(R"({"m":[
        {"role": "user", "content": "search it"},
        {"role": "assistant", "content": "found"}]})").value("m"_L1).toArray());
}

void TestResponsesRequest::flatToolNames_data()
{
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("flat");
    QTest::newRow("plain namespace") << u"crm"_s << u"lookup"_s << u"crm__lookup"_s;
    QTest::newRow("codex mcp namespace") << u"mcp__fs__"_s << u"read"_s << u"mcp__fs__read"_s;
    QTest::newRow("stray underscores") << u"mcp__calendar__"_s << u"__create_event"_s << u"mcp__calendar__create_event"_s;
    QTest::newRow("delimiter inside") << u"mcp__codex_apps__github"_s << u"search"_s << u"mcp__codex_apps__github__search"_s;
}

void TestResponsesRequest::flatToolNames()
{
    QFETCH(QString, ns);
    QFETCH(QString, name);
    QFETCH(QString, flat);
    QCOMPARE(Decoder::flatToolName(ns, name), flat);
}

void TestResponsesRequest::longNamespaceNames()
{
    const QString ns = u"mcp__"_s + QString(40, u'n') + u"__"_s;
    const QString name = QString(30, u'f');
    const QString flat = Decoder::flatToolName(ns, name);
    QCOMPARE(flat.size(), 64);
    QVERIFY(flat.startsWith(QString(u"mcp__"_s + QString(40, u'n') + u"__"_s + QString(30, u'f')).left(55)));
    QVERIFY2(QRegularExpression(u"_[0-9a-f]{8}$"_s).match(flat).hasMatch(), qPrintable(flat));
    QCOMPARE(Decoder::flatToolName(ns, name), flat);  // the same on every request
    QVERIFY(Decoder::flatToolName(ns, QString(30, u'g')) != flat);

    QJsonObject request = json(R"({"model": "m", "input": "hi"})");
    request.insert("tools"_L1, QJsonArray{QJsonObject{
                                   {"type"_L1, "namespace"_L1},
                                   {"name"_L1, ns},
                                   {"tools"_L1, QJsonArray{QJsonObject{{"type"_L1, "function"_L1}, {"name"_L1, name}}}}}});
    const QJsonObject body = decoded(bytes(request)).body;
    QCOMPARE(body.value("tools"_L1).toArray().first().toObject().value("function"_L1).toObject()
                 .value("name"_L1).toString(),
             flat);
    QCOMPARE(Decoder::splitToolName(flat, request), (Decoder::ToolName{ns, name}));
}

// The way back: a Chat function name the model answered with is the client's function
// again, namespace and name apart, as Codex dispatches on them.
void TestResponsesRequest::splitToolName()
{
    const QJsonObject request = codexRequest();
    QCOMPARE(Decoder::splitToolName(u"mcp__fs__read"_s, request), (Decoder::ToolName{u"mcp__fs__"_s, u"read"_s}));
    QCOMPARE(Decoder::splitToolName(u"shell"_s, request), (Decoder::ToolName{QString(), u"shell"_s}));
    QCOMPARE(Decoder::splitToolName(u"mcp__fs__write"_s, request), (Decoder::ToolName{QString(), u"mcp__fs__write"_s}));

    // A namespace only the history names (a tool loaded later, say) maps back too.
    QJsonObject historyOnly = json(R"({"model": "m", "input": [
        {"type": "function_call", "call_id": "c", "name": "search", "namespace": "mcp__codex_apps__github", "arguments": "{}"}]})");
    QCOMPARE(Decoder::splitToolName(u"mcp__codex_apps__github__search"_s, historyOnly),
             (Decoder::ToolName{u"mcp__codex_apps__github"_s, u"search"_s}));
    const auto names = Decoder::namespacedToolNames(request);
    QCOMPARE(names.size(), 1);  // the free-form tool inside the namespace is no function
    QCOMPARE(names.value(u"mcp__fs__read"_s), (Decoder::ToolName{u"mcp__fs__"_s, u"read"_s}));

    // Plain names are never split, "__" or not.
    const QJsonObject plain = json(R"({"model": "m", "input": "x", "tools": [
        {"type": "function", "name": "mcp__fs__read"}]})");
    QCOMPARE(Decoder::splitToolName(u"mcp__fs__read"_s, plain), (Decoder::ToolName{QString(), u"mcp__fs__read"_s}));
}

// A flattened name that meets another tool's could not be told apart on the way back.
void TestResponsesRequest::namespaceCollision()
{
    for (const QByteArray &tools :
         {QByteArray(R"([{"type":"function","name":"crm__lookup"},
                          {"type":"namespace","name":"crm","tools":[{"type":"function","name":"lookup"}]}])"),
          QByteArray(R"([{"type":"namespace","name":"crm","tools":[{"type":"function","name":"lookup"}]},
                          {"type":"function","name":"crm__lookup"}])")}) {
        const auto result = Decoder::decode(withFields("{\"tools\":" + tools + "}"));
        QVERIFY(std::holds_alternative<ChatEnvelope>(result));
        const ChatEnvelope &envelope = std::get<ChatEnvelope>(result);
        QVERIFY(envelope.untranslatable);
        QVERIFY2(envelope.untranslatable->param == u"tools[1].tools[0].name"_s
                     || envelope.untranslatable->param == u"tools[1].name"_s,
                 qPrintable(envelope.untranslatable->param));
        QVERIFY(envelope.untranslatable->message.contains(u"crm__lookup"_s));
    }
}

// Hosted and free-form tools are left out without failing; with none left, tool_choice
// and parallel_tool_calls go too.
void TestResponsesRequest::droppedTools()
{
    const QByteArray hosted = R"([
        {"type": "web_search", "search_context_size": "low"},
        {"type": "web_search_preview"},
        {"type": "file_search", "vector_store_ids": ["vs_1"]},
        {"type": "computer_use_preview", "display_width": 1024, "display_height": 768, "environment": "browser"},
        {"type": "code_interpreter", "container": {"type": "auto"}},
        {"type": "mcp", "server_label": "deepwiki", "server_url": "https:\/\/mcp.deepwiki.com/mcp"},
        {"type": "image_generation"},
        {"type": "local_shell"},
        {"type": "custom", "name": "apply_patch", "format": {"type": "text"}}])";
    QJsonObject body = decoded(withFields("{\"tools\":" + hosted + R"(,"tool_choice":"auto","parallel_tool_calls":false})"))
                           .body;
    QVERIFY(!body.contains("tools"_L1));
    QVERIFY(!body.contains("tool_choice"_L1));
    QVERIFY(!body.contains("parallel_tool_calls"_L1));
    QVERIFY(std::holds_alternative<canonical::Request>(decodeOpenAiChatRequest(body)));

    QJsonArray tools = json("{\"t\":" + hosted + "}").value("t"_L1).toArray();
    tools.insert(3, json(R"({"type": "function", "name": "get_weather", "parameters": null})"));
    QJsonObject request = json(withFields(R"({"tool_choice":"required","parallel_tool_calls":false})"));
    request.insert("tools"_L1, tools);
    body = decoded(bytes(request)).body;
    QCOMPARE(body.value("tools"_L1).toArray(),
             QJsonArray{json(R"({"type": "function", "function": {"name": "get_weather"}})")});
    QCOMPARE(body.value("tool_choice"_L1).toString(), u"required"_s);
    QCOMPARE(body.value("parallel_tool_calls"_L1), QJsonValue(false));
    QCOMPARE(canonicalOf(body).tools.first().name, u"get_weather"_s);
}

void TestResponsesRequest::toolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QJsonValue>("expected");
    QTest::addColumn<QStringList>("tools");  // the Chat tools left
    const QStringList all{u"get_weather"_s, u"mcp__fs__read"_s};
    QTest::newRow("auto") << QByteArray(R"("auto")") << QJsonValue(u"auto"_s) << all;
    QTest::newRow("none") << QByteArray(R"("none")") << QJsonValue(u"none"_s) << all;
    QTest::newRow("required") << QByteArray(R"("required")") << QJsonValue(u"required"_s) << all;
    QTest::newRow("function") << QByteArray(R"({"type":"function","name":"get_weather"})")
                              << QJsonValue(json(R"({"type":"function","function":{"name":"get_weather"}})")) << all;
    QTest::newRow("namespaced function") << QByteArray(R"({"type":"function","name":"read","namespace":"mcp__fs__"})")
                                         << QJsonValue(json(R"({"type":"function","function":{"name":"mcp__fs__read"}})"))
                                         << all;
    QTest::newRow("allowed tools") << QByteArray(R"({"type":"allowed_tools","mode":"required",
                                                    "tools":[{"type":"function","name":"read","namespace":"mcp__fs__"},
                                                             {"type":"image_generation"}]})")
                                   << QJsonValue(u"required"_s) << QStringList{u"mcp__fs__read"_s};
    QTest::newRow("allowed tools auto") << QByteArray(R"({"type":"allowed_tools","mode":"auto",
                                                         "tools":[{"type":"function","name":"get_weather"}]})")
                                        << QJsonValue(u"auto"_s) << QStringList{u"get_weather"_s};
}

void TestResponsesRequest::toolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QJsonValue, expected);
    QFETCH(QStringList, tools);
    const QJsonObject body = decoded(withFields(R"({"tools":[
        {"type":"function","name":"get_weather","parameters":{"type":"object","properties":{}}},
        {"type":"namespace","name":"mcp__fs__","tools":[{"type":"function","name":"read"}]}],
        "tool_choice":)" + choice + "}"))
                                 .body;
    QCOMPARE(body.value("tool_choice"_L1), expected);
    QStringList names;
    for (const QJsonValue &tool : body.value("tools"_L1).toArray())
        names.append(tool.toObject().value("function"_L1).toObject().value("name"_L1).toString());
    QCOMPARE(names, tools);
    const canonical::Request chat = canonicalOf(body);
    QVERIFY(chat.toolChoice);
    if (expected.isObject())
        QCOMPARE(chat.toolChoice->function, expected.toObject().value("function"_L1).toObject().value("name"_L1).toString());
}

void TestResponsesRequest::options_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QJsonObject>("expected");  // besides model and messages
    QTest::newRow("max_output_tokens") << QByteArray(R"({"max_output_tokens":1024})")
                                       << json(R"({"max_completion_tokens":1024})");
    QTest::newRow("sampling") << QByteArray(R"({"temperature":0.2,"top_p":0.9})") << json(R"({"temperature":0.2,"top_p":0.9})");
    QTest::newRow("user") << QByteArray(R"({"user":"u1"})") << json(R"({"user":"u1"})");
    QTest::newRow("safety_identifier") << QByteArray(R"({"safety_identifier":"s1"})") << json(R"({"user":"s1"})");
    QTest::newRow("user wins") << QByteArray(R"({"user":"u1","safety_identifier":"s1"})") << json(R"({"user":"u1"})");
    QTest::newRow("effort minimal") << QByteArray(R"({"reasoning":{"effort":"minimal","summary":"auto"}})")
                                    << json(R"({"reasoning_effort":"minimal"})");
    QTest::newRow("effort xhigh") << QByteArray(R"({"reasoning":{"effort":"xhigh"}})") << json(R"({"reasoning_effort":"xhigh"})");
    QTest::newRow("effort null") << QByteArray(R"({"reasoning":{"effort":null,"summary":"detailed"}})") << QJsonObject();
    QTest::newRow("format text") << QByteArray(R"({"text":{"format":{"type":"text"}}})") << QJsonObject();
    QTest::newRow("format json_object") << QByteArray(R"({"text":{"format":{"type":"json_object"}}})")
                                        << json(R"({"response_format":{"type":"json_object"}})");
    QTest::newRow("format json_schema") << QByteArray(R"({"text":{"format":{"type":"json_schema","name":"event",
                                               "description":"An event","strict":true,
                                               "schema":{"type":"object","properties":{"name":{"type":"string"}},
                                                         "required":["name"],"additionalProperties":false}}}})")
                                        << json(R"({"response_format":{"type":"json_schema","json_schema":{
                                               "name":"event","description":"An event","strict":true,
                                               "schema":{"type":"object","properties":{"name":{"type":"string"}},
                                                         "required":["name"],"additionalProperties":false}}}})");
    QTest::newRow("verbosity") << QByteArray(R"({"text":{"verbosity":"high"}})") << json(R"({"verbosity":"high"})");
    QTest::newRow("ignored fields") << QByteArray(R"({"metadata":{"k":"v"},"include":["reasoning.encrypted_content"],
                                                     "truncation":"auto","service_tier":"flex","prompt_cache_key":"p",
                                                     "max_tool_calls":3,"top_logprobs":2,"store":false,"background":false,
                                                     "previous_response_id":null,"conversation":null,"prompt":null,
                                                     "stream":false,"stream_options":{"include_obfuscation":false},
                                                     "some_future_field":{"x":1}})")
                                    << QJsonObject();
    QTest::newRow("parallel without tools") << QByteArray(R"({"parallel_tool_calls":true})") << QJsonObject();
}

void TestResponsesRequest::options()
{
    QFETCH(QByteArray, fields);
    QFETCH(QJsonObject, expected);
    const QJsonObject body = decoded(withFields(fields)).body;
    QJsonObject rest = body;
    QCOMPARE(rest.take("model"_L1).toString(), u"gpt-5"_s);
    QCOMPARE(rest.take("messages"_L1).toArray(), QJsonArray{json(R"({"role":"user","content":"hi"})")});
    QCOMPARE(rest, expected);
    const canonical::Request chat = canonicalOf(body);
    if (expected.contains("max_completion_tokens"_L1))
        QCOMPARE(chat.maxTokens, std::optional<qint64>(1024));
    if (expected.contains("response_format"_L1))
        QCOMPARE(chat.responseFormat, expected.value("response_format"_L1).toObject());
}

// OneGate keeps nothing: `store` absent or false is the stateless answer every client
// gets; only a client that explicitly asks to keep the answer is told it will not be.
void TestResponsesRequest::store_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<bool>("refused");
    QTest::newRow("absent (the SDKs)") << QByteArray("{}") << false;
    QTest::newRow("null") << QByteArray(R"({"store":null})") << false;
    QTest::newRow("false (Codex)") << QByteArray(R"({"store":false})") << false;
    QTest::newRow("true") << QByteArray(R"({"store":true})") << true;
}

void TestResponsesRequest::store()
{
    QFETCH(QByteArray, fields);
    QFETCH(bool, refused);
    const auto result = Decoder::decode(withFields(fields));
    QCOMPARE(std::holds_alternative<ApiError>(result), refused);
    if (!refused)
        return;
    const ApiError &error = std::get<ApiError>(result);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.param, u"store"_s);
    QCOMPARE(error.code, u"unsupported_parameter"_s);
    QVERIFY2(error.message.contains(u"stateless"_s) && error.message.contains(u"whole conversation"_s),
             qPrintable(error.message));
}

void TestResponsesRequest::errors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    const auto input = [](const QByteArray &items) { return withFields("{\"input\":" + items + "}"); };
    const auto missing = u"missing_required_parameter"_s;
    const auto type = u"invalid_type"_s;
    const auto value = u"invalid_value"_s;
    const auto stateless = u"unsupported_parameter"_s;

    QTest::newRow("invalid json") << QByteArray("{\"model\":") << QString() << QString() << u"could not parse"_s;
    QTest::newRow("array body") << QByteArray("[1]") << QString() << QString() << u"must be a JSON object"_s;
    QTest::newRow("no model") << QByteArray(R"({"input":"hi"})") << u"model"_s << missing
                              << u"Missing required parameter: 'model'."_s;
    QTest::newRow("model number") << QByteArray(R"({"model":5,"input":"hi"})") << u"model"_s << type
                                  << u"Invalid type for 'model': expected a string, but got an integer instead."_s;
    QTest::newRow("model empty") << QByteArray(R"({"model":"","input":"hi"})") << u"model"_s << value << u"empty"_s;
    QTest::newRow("stream string") << withFields(R"({"stream":"yes"})") << u"stream"_s << type << u"a boolean"_s;
    QTest::newRow("previous_response_id") << withFields(R"({"previous_response_id":"resp_123"})")
                                          << u"previous_response_id"_s << stateless << u"stateless"_s;
    QTest::newRow("conversation") << withFields(R"({"conversation":"conv_123"})") << u"conversation"_s << stateless
                                  << u"keeps no conversations"_s;
    QTest::newRow("store string") << withFields(R"({"store":"yes"})") << u"store"_s << type << u"a boolean"_s;
    QTest::newRow("background") << withFields(R"({"background":true})") << u"background"_s << stateless
                                << u"Background responses are not supported"_s;
    QTest::newRow("prompt") << withFields(R"({"prompt":{"id":"pmpt_1","version":"2"}})") << u"prompt"_s << stateless
                            << u"prompt templates"_s;
    QTest::newRow("no input") << QByteArray(R"({"model":"m"})") << u"input"_s << missing << u"'input'"_s;
    QTest::newRow("input number") << withFields(R"({"input":3})") << u"input"_s << type << u"'input'"_s;
    QTest::newRow("input empty") << withFields(R"({"input":[]})") << u"input"_s << value << u"nothing to answer"_s;
    QTest::newRow("item not object") << input("[5]") << u"input[0]"_s << type << u"expected an object"_s;
    QTest::newRow("item no type") << input(R"([{"content":"x"}])") << u"input[0].type"_s << missing << u"'input[0].type'"_s;
    QTest::newRow("bad role") << input(R"([{"role":"bot","content":"x"}])") << u"input[0].role"_s << value
                              << u"'bot'. Supported values are: 'user', 'assistant', 'system' and 'developer'."_s;
    QTest::newRow("no content") << input(R"([{"type":"message","role":"user"}])") << u"input[0].content"_s << missing
                                << u"'input[0].content'"_s;
    QTest::newRow("content number") << input(R"([{"role":"user","content":1}])") << u"input[0].content"_s << type
                                    << u"an integer"_s;
    QTest::newRow("part no type") << input(R"([{"role":"user","content":[{"text":"x"}]}])")
                                  << u"input[0].content[0].type"_s << missing << u"content[0].type"_s;
    QTest::newRow("text missing") << input(R"([{"role":"user","content":[{"type":"input_text"}]}])")
                                  << u"input[0].content[0].text"_s << missing << u"text"_s;
    QTest::newRow("image no url") << input(R"([{"role":"user","content":[{"type":"input_image","detail":"auto"}]}])")
                                  << u"input[0].content[0].image_url"_s << missing << u"image_url"_s;
    QTest::newRow("call no call_id") << input(R"([{"type":"function_call","name":"f","arguments":"{}"}])")
                                     << u"input[0].call_id"_s << missing << u"call_id"_s;
    QTest::newRow("call no name") << input(R"([{"type":"function_call","call_id":"c","arguments":"{}"}])")
                                  << u"input[0].name"_s << missing << u"name"_s;
    QTest::newRow("call no arguments") << input(R"([{"type":"function_call","call_id":"c","name":"f"}])")
                                       << u"input[0].arguments"_s << missing << u"arguments"_s;
    QTest::newRow("call arguments number") << input(R"([{"type":"function_call","call_id":"c","name":"f","arguments":1}])")
                                           << u"input[0].arguments"_s << type << u"a string"_s;
    QTest::newRow("output no call_id") << input(R"([{"type":"function_call_output","output":"x"}])")
                                       << u"input[0].call_id"_s << missing << u"call_id"_s;
    QTest::newRow("output missing") << input(R"([{"role":"user","content":"x"},{"type":"function_call_output","call_id":"c"}])")
                                    << u"input[1].output"_s << missing << u"output"_s;
    QTest::newRow("output number") << input(R"([{"type":"function_call_output","call_id":"c","output":7}])")
                                   << u"input[0].output"_s << type << u"output"_s;
    QTest::newRow("item_reference") << input(R"([{"type":"item_reference","id":"msg_1"}])") << u"input[0]"_s << stateless
                                    << u"stores no items"_s;
    QTest::newRow("instructions number") << withFields(R"({"instructions":1})") << u"instructions"_s << type
                                         << u"a string"_s;
    QTest::newRow("tools object") << withFields(R"({"tools":{}})") << u"tools"_s << type << u"an array"_s;
    QTest::newRow("tool no type") << withFields(R"({"tools":[{"name":"f"}]})") << u"tools[0].type"_s << missing
                                  << u"tools[0].type"_s;
    QTest::newRow("function no name") << withFields(R"({"tools":[{"type":"function","parameters":{}}]})")
                                      << u"tools[0].name"_s << missing << u"tools[0].name"_s;
    QTest::newRow("parameters string") << withFields(R"({"tools":[{"type":"function","name":"f","parameters":"{}"}]})")
                                       << u"tools[0].parameters"_s << type << u"an object"_s;
    QTest::newRow("strict string") << withFields(R"({"tools":[{"type":"function","name":"f","strict":"yes"}]})")
                                   << u"tools[0].strict"_s << type << u"a boolean"_s;
    QTest::newRow("namespace no name") << withFields(R"({"tools":[{"type":"namespace","tools":[]}]})")
                                       << u"tools[0].name"_s << missing << u"tools[0].name"_s;
    QTest::newRow("namespace no tools") << withFields(R"({"tools":[{"type":"namespace","name":"crm"}]})")
                                        << u"tools[0].tools"_s << missing << u"tools[0].tools"_s;
    QTest::newRow("namespace function no name") << withFields(R"({"tools":[{"type":"namespace","name":"crm",
                                                                 "tools":[{"type":"function"}]}]})")
                                                << u"tools[0].tools[0].name"_s << missing << u"tools[0].tools[0].name"_s;
    QTest::newRow("tool_choice value") << withFields(R"({"tool_choice":"sometimes"})") << u"tool_choice"_s << value
                                       << u"'none', 'auto' and 'required'"_s;
    QTest::newRow("tool_choice no name") << withFields(R"({"tools":[{"type":"function","name":"f"}],
                                                          "tool_choice":{"type":"function"}})")
                                         << u"tool_choice.name"_s << missing << u"tool_choice.name"_s;
    QTest::newRow("tool_choice number") << withFields(R"({"tool_choice":1})") << u"tool_choice"_s << type << u"an object"_s;
    QTest::newRow("allowed_tools mode") << withFields(R"({"tools":[{"type":"function","name":"f"}],
                                                         "tool_choice":{"type":"allowed_tools","mode":"any","tools":[]}})")
                                        << u"tool_choice.mode"_s << value << u"'auto' and 'required'"_s;
    QTest::newRow("parallel string") << withFields(R"({"parallel_tool_calls":"yes"})") << u"parallel_tool_calls"_s << type
                                     << u"a boolean"_s;
    QTest::newRow("max_output_tokens decimal") << withFields(R"({"max_output_tokens":1.5})") << u"max_output_tokens"_s
                                               << type << u"expected an integer, but got a decimal"_s;
    QTest::newRow("max_output_tokens string") << withFields(R"({"max_output_tokens":"100"})") << u"max_output_tokens"_s
                                              << type << u"a string instead"_s;
    QTest::newRow("temperature string") << withFields(R"({"temperature":"hot"})") << u"temperature"_s << type
                                        << u"a number"_s;
    QTest::newRow("user number") << withFields(R"({"user":1})") << u"user"_s << type << u"a string"_s;
    QTest::newRow("reasoning string") << withFields(R"({"reasoning":"high"})") << u"reasoning"_s << type << u"an object"_s;
    QTest::newRow("effort unknown") << withFields(R"({"reasoning":{"effort":"huge"}})") << u"reasoning.effort"_s << value
                                    << u"'minimal'"_s;
    QTest::newRow("format type") << withFields(R"({"text":{"format":{"type":"xml"}}})") << u"text.format.type"_s << value
                                 << u"'json_schema'"_s;
    QTest::newRow("schema no name") << withFields(R"({"text":{"format":{"type":"json_schema","schema":{}}}})")
                                    << u"text.format.name"_s << missing << u"text.format.name"_s;
    QTest::newRow("schema missing") << withFields(R"({"text":{"format":{"type":"json_schema","name":"n"}}})")
                                    << u"text.format.schema"_s << missing << u"text.format.schema"_s;
    QTest::newRow("verbosity") << withFields(R"({"text":{"verbosity":"loud"}})") << u"text.verbosity"_s << value
                               << u"'low', 'medium' and 'high'"_s;
    QTest::newRow("metadata string") << withFields(R"({"metadata":"x"})") << u"metadata"_s << type << u"an object"_s;
}

void TestResponsesRequest::errors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto result = Decoder::decode(body);
    QVERIFY2(std::holds_alternative<ApiError>(result),
             std::holds_alternative<ChatEnvelope>(result) && std::get<ChatEnvelope>(result).untranslatable
                 ? qPrintable(std::get<ChatEnvelope>(result).untranslatable->message)
                 : "decoded");
    const ApiError &error = std::get<ApiError>(result);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QCOMPARE(error.code, code);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
}

// Valid Responses input that Chat cannot express: no error for a provider that serves
// /v1/responses, which takes `native`; the envelope says why the others cannot.
void TestResponsesRequest::untranslatable_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    const auto input = [](const QByteArray &items) { return withFields("{\"input\":" + items + ",\"stream\":true}"); };
    QTest::newRow("input_file") << input(R"([{"role":"user","content":[{"type":"input_file","file_id":"file-1"}]}])")
                                << u"input[0].content[0].type"_s;
    QTest::newRow("image by file_id") << input(R"([{"role":"user","content":[{"type":"input_image","file_id":"file-1","detail":"auto"}]}])")
                                      << u"input[0].content[0].file_id"_s;
    QTest::newRow("unknown part") << input(R"([{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}])")
                                  << u"input[0].content[0].type"_s;
    QTest::newRow("image in system") << input(R"([{"role":"system","content":[{"type":"input_image","image_url":"https:\/\/x/y.png"}]}])")
                                     << u"input[0].content[0].type"_s;
    QTest::newRow("custom_tool_call") << input(R"([{"role":"user","content":"x"},
                                                   {"type":"custom_tool_call","call_id":"c","name":"apply_patch","input":"*** Begin Patch"}])")
                                      << u"input[1].type"_s;
    QTest::newRow("local_shell_call") << input(R"([{"type":"local_shell_call","call_id":"c","status":"completed",
                                                    "action":{"type":"exec","command":["ls"]}}])")
                                      << u"input[0].type"_s;
    QTest::newRow("compaction") << input(R"([{"type":"compaction","encrypted_content":"gAAA"}])") << u"input[0].type"_s;
    QTest::newRow("output file") << input(R"([{"type":"function_call_output","call_id":"c",
                                              "output":[{"type":"input_file","file_id":"file-1"}]}])")
                                 << u"input[0].output[0].type"_s;
    QTest::newRow("forced hosted tool") << withFields(R"({"tools":[{"type":"function","name":"f"},{"type":"web_search_preview"}],
                                                         "tool_choice":{"type":"web_search_preview"}})")
                                        << u"tool_choice.type"_s;
    QTest::newRow("required hosted only") << withFields(R"({"tools":[{"type":"web_search"}],"tool_choice":"required"})")
                                          << u"tool_choice"_s;
    QTest::newRow("allowed hosted only") << withFields(R"({"tools":[{"type":"function","name":"f"},{"type":"mcp","server_label":"s"}],
                                                          "tool_choice":{"type":"allowed_tools","mode":"required",
                                                                         "tools":[{"type":"mcp","server_label":"s"}]}})")
                                         << u"tool_choice.tools"_s;
}

void TestResponsesRequest::untranslatable()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    const auto result = Decoder::decode(body);
    QVERIFY2(std::holds_alternative<ChatEnvelope>(result),
             std::holds_alternative<ApiError>(result) ? qPrintable(std::get<ApiError>(result).message) : "");
    const ChatEnvelope &envelope = std::get<ChatEnvelope>(result);
    QVERIFY(envelope.untranslatable);
    QCOMPARE(envelope.native, json(body));
    QCOMPARE(envelope.model, u"gpt-5"_s);
    QVERIFY(envelope.body.isEmpty());
    QCOMPARE(envelope.includeUsage, envelope.stream);
    const ApiError &error = *envelope.untranslatable;
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QVERIFY2(error.message.contains(u"not supported for this provider"_s) || error.message.contains(u"cannot run"_s)
                 || error.message.contains(u"runs no hosted tools"_s),
             qPrintable(error.message));
}

QTEST_GUILESS_MAIN(TestResponsesRequest)
#include "tst_responses_request.moc"
