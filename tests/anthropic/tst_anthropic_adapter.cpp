// The anthropic adapter against recorded and documented Anthropic wire data
// (tests/data/fixtures/anthropic, sources in its SOURCES.md): request building against
// golden JSON, response and stream decoding (every stream also split at every byte),
// tool call reassembly, usage, finish reasons, errors and the model list.

#include "../support/ChatCalls.h"
#include "anthropic/AnthropicAdapter.h"
#include "anthropic/AnthropicRequest.h"
#include "anthropic/AnthropicToolIds.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray readData(const QString &relative)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/") + relative);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(relative));
    return file.readAll();
}

QByteArray fixture(const QString &name)
{
    return readData(u"fixtures/anthropic/"_s + name);
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QJsonObject sseJson(const QByteArray &frame)
{
    QByteArray data = frame;
    if (data.startsWith("data: "))
        data.remove(0, 6);
    return jsonOf(data.trimmed());
}

struct RecordingSink final : ChatStreamSink {
    QList<QByteArray> frames;
    QList<bool> contentFlags;
    TokenUsage usage;
    int usageReports = 0;
    QByteArray terminator;
    bool completed = false;
    std::optional<ApiError> failure;

    void streamFrame(const QByteArray &frame, bool content) override
    {
        QVERIFY(!completed && !failure);
        frames.append(frame);
        contentFlags.append(content);
    }
    void streamUsage(const TokenUsage &u) override
    {
        usage = u;
        ++usageReports;
    }
    void streamCompleted(const QByteArray &t) override
    {
        QVERIFY(!completed && !failure);
        completed = true;
        terminator = t;
    }
    void streamFailed(const ApiError &error) override
    {
        QVERIFY(!completed && !failure);
        failure = error;
    }
};

// What an OpenAI client reassembles from the chunks.
struct Reassembled {
    QString id;
    QString model;
    QString content;
    QString reasoning;
    QStringList signatures;
    QStringList redacted;
    QMap<int, QString> toolIds;
    QMap<int, QString> toolNames;
    QMap<int, QString> toolArguments;
    QString finishReason;
    std::optional<QJsonObject> usageChunk;
    QString problem; // empty when the chunk order is what strict clients need
};

Reassembled reassemble(const QList<QByteArray> &frames)
{
    Reassembled out;
    bool finished = false;
    for (qsizetype i = 0; i < frames.size(); ++i) {
        const QJsonObject chunk = sseJson(frames.at(i));
        if (chunk.value("object"_L1).toString() != "chat.completion.chunk"_L1)
            out.problem = u"frame %1 is not a chunk"_s.arg(i);
        if (i == 0) {
            out.id = chunk.value("id"_L1).toString();
            out.model = chunk.value("model"_L1).toString();
        } else if (chunk.value("id"_L1).toString() != out.id) {
            out.problem = u"frame %1 changes the id"_s.arg(i);
        }
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty()) {
            out.usageChunk = chunk.value("usage"_L1).toObject();
            if (i != frames.size() - 1)
                out.problem = u"the usage chunk is not last"_s;
            continue;
        }
        const QJsonObject choice = choices.at(0).toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        if (i == 0 && delta.value("role"_L1).toString() != "assistant"_L1)
            out.problem = u"the first chunk carries no role"_s;
        if (finished)
            out.problem = u"a chunk after the finish chunk"_s;
        out.content += delta.value("content"_L1).toString();
        out.reasoning += delta.value("reasoning_content"_L1).toString();
        for (const QJsonValue &block : delta.value("thinking_blocks"_L1).toArray()) {
            const QJsonObject object = block.toObject();
            if (object.value("type"_L1).toString() == "redacted_thinking"_L1)
                out.redacted.append(object.value("data"_L1).toString());
            else
                out.signatures.append(object.value("signature"_L1).toString());
        }
        for (const QJsonValue &entry : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = entry.toObject();
            const int index = call.value("index"_L1).toInt();
            if (call.contains("id"_L1)) {
                out.toolIds[index] = call.value("id"_L1).toString();
                out.toolNames[index] =
                    call.value("function"_L1).toObject().value("name"_L1).toString();
            } else if (!out.toolIds.contains(index)) {
                out.problem = u"arguments before the id and name of call %1"_s.arg(index);
            }
            out.toolArguments[index] +=
                call.value("function"_L1).toObject().value("arguments"_L1).toString();
        }
        if (choice.value("finish_reason"_L1).isString()) {
            out.finishReason = choice.value("finish_reason"_L1).toString();
            finished = true;
        }
    }
    return out;
}

ProviderSettings provider(const QString &baseUrl = u"http://127.0.0.1:9"_s)
{
    ProviderSettings settings;
    settings.id = u"claude"_s;
    settings.kind = ProviderKind::Anthropic;
    settings.baseUrl = QUrl(baseUrl);
    return settings;
}

RecordingSink decodeStream(const QByteArray &stream, bool clientWantsUsage = false,
                           qsizetype cut = -1)
{
    AnthropicAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-anthropic", u"claude-test"_s, {}, true, clientWantsUsage);
    auto decoder = adapter.streamDecoder(call);
    RecordingSink sink;
    if (cut < 0) {
        decoder->feed(stream, sink);
    } else {
        decoder->feed(QByteArrayView(stream).first(cut), sink);
        decoder->feed(QByteArrayView(stream).sliced(cut), sink);
    }
    decoder->finish(sink);
    return sink;
}

// The frames with the one field that depends on the clock removed.
QList<QJsonObject> withoutCreated(const QList<QByteArray> &frames)
{
    QList<QJsonObject> out;
    for (const QByteArray &frame : frames) {
        QJsonObject chunk = sseJson(frame);
        chunk.remove("created"_L1);
        out.append(chunk);
    }
    return out;
}

std::variant<QJsonObject, ApiError> build(const QJsonObject &body,
                                          const QString &model = u"claude-test"_s,
                                          const ProviderSettings &settings = provider())
{
    AnthropicAdapter adapter;
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-anthropic", model, body, body.value("stream"_L1).toBool(),
                  false);
    auto request = adapter.chatRequest(call);
    if (const ApiError *error = std::get_if<ApiError>(&request))
        return *error;
    return jsonOf(std::get<UpstreamRequest>(request).body);
}

QJsonObject built(const QJsonObject &body)
{
    auto result = build(body);
    if (const ApiError *error = std::get_if<ApiError>(&result))
        qWarning("unexpected error: %s", qPrintable(error->message));
    return std::get<QJsonObject>(result);
}

QJsonObject userChat(const QJsonObject &extra = {})
{
    QJsonObject body = extra;
    body.insert("model"_L1, "alias"_L1);
    body.insert("messages"_L1,
                QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}}});
    return body;
}

QJsonArray weatherTool()
{
    return QJsonArray{QJsonObject{
        {"type"_L1, "function"_L1},
        {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1},
                                    {"parameters"_L1, QJsonObject{{"type"_L1, "object"_L1}}}}}}};
}

// Fields a recording carries that a request builder never writes: the SDK echoes the
// response's `caller` back, and the composed fixture spells out "stream": false.
QJsonValue normalised(const QJsonValue &value)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &entry : value.toArray())
            out.append(normalised(entry));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject out;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == "caller"_L1 || (it.key() == "stream"_L1 && it.value() == QJsonValue(false)))
            continue;
        out.insert(it.key(), normalised(it.value()));
    }
    return out;
}

QByteArray header(const UpstreamRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// A stream from complete SSE events given as JSON data; event names from "type".
QByteArray sse(const QList<QByteArray> &datas)
{
    QByteArray out;
    for (const QByteArray &data : datas)
        out += "event: " + jsonOf(data).value("type"_L1).toString().toUtf8() + "\ndata: " + data +
               "\n\n";
    return out;
}

const QByteArray kMessageStart =
    R"({"type":"message_start","message":{"id":"msg_1","model":"claude-test-1","usage":{"input_tokens":5,"output_tokens":1}}})"_ba;
const QByteArray kMessageStop = R"({"type":"message_stop"})"_ba;

const QStringList kStreamFixtures{
    u"messages_stream_text_recorded.sse"_s,
    u"messages_stream_text_docs.sse"_s,
    u"messages_stream_tool_use_recorded.sse"_s,
    u"messages_stream_tool_use_docs.sse"_s,
    u"messages_stream_thinking_docs.sse"_s,
    u"messages_stream_parallel_tool_use.composed.sse"_s,
    u"messages_stream_max_tokens.composed.sse"_s,
};

} // namespace

class TestAnthropicAdapter final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestGolden_data();
    void requestGolden();
    void requestHeaders();
    void endpointUrl_data();
    void endpointUrl();
    void maxTokens_data();
    void maxTokens();
    void toolChoice_data();
    void toolChoice();
    void reasoningBudget_data();
    void reasoningBudget();
    void systemCacheControl();
    void requestRefused_data();
    void requestRefused();
    void toolIdsInjective_data();
    void toolIdsInjective();
    void toolIdsForeignPrefix();
    void toolArguments_data();
    void toolArguments();
    void streamedThinkingJoined_data();
    void streamedThinkingJoined();

    void nonStream_data();
    void nonStream();
    void finishReasons_data();
    void finishReasons();
    void usageMapping_data();
    void usageMapping();
    void nonStreamBroken_data();
    void nonStreamBroken();

    void stream_data();
    void stream();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamUsageChunk_data();
    void streamUsageChunk();
    void streamToolIndexCountsToolsOnly();
    void streamToolWithoutArguments();
    void streamRedactedThinking();
    void streamEncodedToolIdDecoded();
    void streamIgnoresPingAndUnknown();
    void streamErrorEvent();
    void streamTruncated_data();
    void streamTruncated();

    void errorMapping_data();
    void errorMapping();
    void modelList();
};

// ---- request building ---------------------------------------------------------------

void TestAnthropicAdapter::requestGolden_data()
{
    QTest::addColumn<QString>("input");    // OpenAI Chat body, tests/data/anthropic
    QTest::addColumn<QString>("expected"); // Messages body, under tests/data
    QTest::addColumn<QString>("model");

    QTest::newRow("tools (recorded)")
        << u"tools_recorded.openai.json"_s
        << u"fixtures/anthropic/messages_request_tools_recorded.json"_s << u"claude-haiku-4-5"_s;
    QTest::newRow("tool result after text + tool_use (recorded)")
        << u"tool_result_recorded.openai.json"_s
        << u"fixtures/anthropic/messages_request_tool_result_recorded.json"_s
        << u"claude-haiku-4-5"_s;
    QTest::newRow("tool result turn (recorded)")
        << u"tool_result_turn_recorded.openai.json"_s
        << u"fixtures/anthropic/messages_request_tool_result_turn_recorded.json"_s
        << u"claude-haiku-4-5"_s;
    QTest::newRow("stream with tools (recorded)")
        << u"stream_tool_use_recorded.openai.json"_s
        << u"fixtures/anthropic/messages_stream_tool_use_recorded.request.json"_s
        << u"claude-haiku-4-5"_s;
    QTest::newRow("thinking budget (docs)")
        << u"thinking_docs.openai.json"_s
        << u"fixtures/anthropic/messages_stream_thinking_docs.request.json"_s
        << u"claude-sonnet-4-5"_s;
    QTest::newRow("system cache_control, images, tool_choice (composed)")
        << u"system_tools_image.openai.json"_s
        << u"fixtures/anthropic/messages_request_system_tools_image.composed.json"_s
        << u"claude-sonnet-4-5"_s;
    QTest::newRow("hoisting, merging, foreign tool ids, defaults")
        << u"hoist_merge.openai.json"_s << u"anthropic/hoist_merge.anthropic.json"_s
        << u"claude-test"_s;
    QTest::newRow("thinking blocks sent back, effort under max_tokens")
        << u"thinking_history.openai.json"_s << u"anthropic/thinking_history.anthropic.json"_s
        << u"claude-test"_s;
}

void TestAnthropicAdapter::requestGolden()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(QString, model);
    const QJsonObject body = jsonOf(readData(u"anthropic/"_s + input));
    QVERIFY(!body.isEmpty());
    auto result = build(body, model);
    const ApiError *refused = std::get_if<ApiError>(&result);
    QVERIFY2(!refused, refused ? qPrintable(refused->message) : "");
    const QJsonObject sent = std::get<QJsonObject>(result);
    const QJsonObject golden = normalised(jsonOf(readData(expected))).toObject();
    QVERIFY(!golden.isEmpty());
    if (sent != golden) {
        qWarning("sent:     %s", QJsonDocument(sent).toJson(QJsonDocument::Compact).constData());
        qWarning("expected: %s", QJsonDocument(golden).toJson(QJsonDocument::Compact).constData());
    }
    QCOMPARE(sent, golden);
}

void TestAnthropicAdapter::requestHeaders()
{
    AnthropicAdapter adapter;
    ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, "sk-test-anthropic", u"claude-test"_s, userChat(), false, false);
    UpstreamRequest request = std::get<UpstreamRequest>(adapter.chatRequest(call));
    QCOMPARE(request.method, "POST"_ba);
    QCOMPARE(header(request, "x-api-key"), "sk-test-anthropic"_ba);
    QCOMPARE(header(request, "anthropic-version"), "2023-06-01"_ba);
    QCOMPARE(header(request, "content-type"), "application/json"_ba);
    QCOMPARE(header(request, "accept"), "application/json"_ba);
    QVERIFY(header(request, "authorization").isEmpty());
    QVERIFY(!jsonOf(request.body).contains("stream"_L1));

    call.stream = true;
    request = std::get<UpstreamRequest>(adapter.chatRequest(call));
    QCOMPARE(header(request, "accept"), "text/event-stream"_ba);
    QCOMPARE(jsonOf(request.body).value("stream"_L1), QJsonValue(true));

    // A provider's own headers ride along; its anthropic-version replaces ours.
    settings.extraHeaders = {{"anthropic-beta", "prompt-caching-2024-07-31"},
                             {"Anthropic-Version", "2024-01-01"}};
    request = std::get<UpstreamRequest>(adapter.chatRequest(call));
    QCOMPARE(header(request, "anthropic-beta"), "prompt-caching-2024-07-31"_ba);
    int versions = 0;
    for (const auto &[name, value] : request.headers)
        versions += name.compare("anthropic-version", Qt::CaseInsensitive) == 0 ? 1 : 0;
    QCOMPARE(versions, 1);
    QCOMPARE(header(request, "anthropic-version"), "2024-01-01"_ba);
}

void TestAnthropicAdapter::endpointUrl_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("messages");
    QTest::addColumn<QString>("models");
    QTest::newRow("origin") << u"https://api.anthropic.com"_s
                            << u"https://api.anthropic.com/v1/messages"_s
                            << u"https://api.anthropic.com/v1/models?limit=1000"_s;
    QTest::newRow("origin with slash")
        << u"https://api.anthropic.com/"_s << u"https://api.anthropic.com/v1/messages"_s
        << u"https://api.anthropic.com/v1/models?limit=1000"_s;
    QTest::newRow("already /v1") << u"https://api.anthropic.com/v1"_s
                                 << u"https://api.anthropic.com/v1/messages"_s
                                 << u"https://api.anthropic.com/v1/models?limit=1000"_s;
    QTest::newRow("proxy prefix") << u"http://127.0.0.1:8080/anthropic"_s
                                  << u"http://127.0.0.1:8080/anthropic/v1/messages"_s
                                  << u"http://127.0.0.1:8080/anthropic/v1/models?limit=1000"_s;
}

void TestAnthropicAdapter::endpointUrl()
{
    QFETCH(QString, base);
    QFETCH(QString, messages);
    QFETCH(QString, models);
    AnthropicAdapter adapter;
    const ProviderSettings settings = provider(base);
    ChatCall call = onegate::test::chatCall(&settings, {}, u"m"_s, userChat(), false, false);
    QCOMPARE(std::get<UpstreamRequest>(adapter.chatRequest(call)).url.toString(), messages);
    const UpstreamRequest list = adapter.modelListRequest(settings, "sk-test-anthropic");
    QCOMPARE(list.method, "GET"_ba);
    QCOMPARE(list.url.toString(), models);
    QCOMPARE(header(list, "x-api-key"), "sk-test-anthropic"_ba);
    QCOMPARE(header(list, "anthropic-version"), "2023-06-01"_ba);
}

void TestAnthropicAdapter::maxTokens_data()
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<qint64>("maxTokens");
    QTest::newRow("default") << QJsonObject() << qint64(anthropic::kDefaultMaxTokens);
    QTest::newRow("max_tokens") << QJsonObject{{"max_tokens"_L1, 300}} << qint64(300);
    QTest::newRow("max_completion_tokens wins")
        << QJsonObject{{"max_tokens"_L1, 300}, {"max_completion_tokens"_L1, 500}} << qint64(500);
    QTest::newRow("default leaves room next to a thinking budget")
        << QJsonObject{{"thinking"_L1,
                        QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, 2000}}}}
        << qint64(anthropic::kDefaultMaxTokens + 2000);
}

void TestAnthropicAdapter::maxTokens()
{
    QFETCH(QJsonObject, extra);
    QFETCH(qint64, maxTokens);
    QCOMPARE(built(userChat(extra)).value("max_tokens"_L1).toInteger(), maxTokens);
}

void TestAnthropicAdapter::toolChoice_data()
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<QJsonValue>("expected"); // undefined: no tool_choice sent

    const QJsonValue absent(QJsonValue::Undefined);
    QTest::newRow("none given") << QJsonObject() << absent;
    QTest::newRow("auto") << QJsonObject{{"tool_choice"_L1, "auto"_L1}}
                          << QJsonValue(QJsonObject{{"type"_L1, "auto"_L1}});
    QTest::newRow("none") << QJsonObject{{"tool_choice"_L1, "none"_L1}}
                          << QJsonValue(QJsonObject{{"type"_L1, "none"_L1}});
    QTest::newRow("required -> any") << QJsonObject{{"tool_choice"_L1, "required"_L1}}
                                     << QJsonValue(QJsonObject{{"type"_L1, "any"_L1}});
    QTest::newRow("function -> tool")
        << QJsonObject{{"tool_choice"_L1,
                        QJsonObject{{"type"_L1, "function"_L1},
                                    {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1}}}}}}
        << QJsonValue(QJsonObject{{"type"_L1, "tool"_L1}, {"name"_L1, "get_weather"_L1}});
    QTest::newRow("parallel_tool_calls false alone")
        << QJsonObject{{"parallel_tool_calls"_L1, false}}
        << QJsonValue(QJsonObject{{"type"_L1, "auto"_L1}, {"disable_parallel_tool_use"_L1, true}});
    QTest::newRow("required, serial")
        << QJsonObject{{"tool_choice"_L1, "required"_L1}, {"parallel_tool_calls"_L1, false}}
        << QJsonValue(QJsonObject{{"type"_L1, "any"_L1}, {"disable_parallel_tool_use"_L1, true}});
    QTest::newRow("function, serial")
        << QJsonObject{{"tool_choice"_L1,
                        QJsonObject{{"type"_L1, "function"_L1},
                                    {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1}}}}},
                       {"parallel_tool_calls"_L1, false}}
        << QJsonValue(QJsonObject{{"type"_L1, "tool"_L1},
                                  {"name"_L1, "get_weather"_L1},
                                  {"disable_parallel_tool_use"_L1, true}});
    QTest::newRow("parallel_tool_calls true changes nothing")
        << QJsonObject{{"parallel_tool_calls"_L1, true}} << absent;
    QTest::newRow("no tools: no tool_choice")
        << QJsonObject{{"tool_choice"_L1, "required"_L1}, {"tools"_L1, QJsonArray()}} << absent;
}

void TestAnthropicAdapter::toolChoice()
{
    QFETCH(QJsonObject, extra);
    QFETCH(QJsonValue, expected);
    QJsonObject body = userChat(extra);
    if (!body.contains("tools"_L1))
        body.insert("tools"_L1, weatherTool());
    const QJsonObject sent = built(body);
    QCOMPARE(sent.value("tool_choice"_L1), expected);
}

void TestAnthropicAdapter::reasoningBudget_data()
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<qint64>("budget"); // 0: no thinking
    QTest::addColumn<qint64>("maxTokens");

    auto effort = [](const char *value) {
        return QJsonObject{{"reasoning_effort"_L1, QLatin1String(value)}};
    };
    QTest::newRow("no effort") << QJsonObject() << qint64(0) << qint64(4096);
    QTest::newRow("none") << effort("none") << qint64(0) << qint64(4096);
    QTest::newRow("minimal") << effort("minimal") << qint64(1024) << qint64(4096 + 1024);
    QTest::newRow("low") << effort("low") << qint64(2048) << qint64(4096 + 2048);
    QTest::newRow("medium") << effort("medium") << qint64(8192) << qint64(4096 + 8192);
    QTest::newRow("high") << effort("high") << qint64(16384) << qint64(4096 + 16384);
    QTest::newRow("xhigh") << effort("xhigh") << qint64(32768) << qint64(4096 + 32768);
    QJsonObject fitted = effort("high");
    fitted.insert("max_tokens"_L1, 3000);
    QTest::newRow("high under max_tokens 3000") << fitted << qint64(2999) << qint64(3000);
    QJsonObject tooSmall = effort("low");
    tooSmall.insert("max_tokens"_L1, 800);
    QTest::newRow("no room for the minimum budget") << tooSmall << qint64(0) << qint64(800);
    QJsonObject explicitBudget{
        {"thinking"_L1, QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, 5000}}},
        {"reasoning_effort"_L1, "low"_L1},
        {"max_tokens"_L1, 9000}};
    QTest::newRow("explicit budget wins over effort")
        << explicitBudget << qint64(5000) << qint64(9000);
}

void TestAnthropicAdapter::reasoningBudget()
{
    QFETCH(QJsonObject, extra);
    QFETCH(qint64, budget);
    QFETCH(qint64, maxTokens);
    extra.insert("temperature"_L1, 0.5);
    extra.insert("top_k"_L1, 5);
    const QJsonObject sent = built(userChat(extra));
    QCOMPARE(sent.value("max_tokens"_L1).toInteger(), maxTokens);
    if (budget == 0) {
        QVERIFY(!sent.contains("thinking"_L1));
        QCOMPARE(sent.value("temperature"_L1).toDouble(), 0.5);
        QCOMPARE(sent.value("top_k"_L1).toInteger(), 5);
    } else {
        QCOMPARE(sent.value("thinking"_L1).toObject(),
                 (QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, budget}}));
        // Anthropic refuses sampling changes while thinking.
        QVERIFY(!sent.contains("temperature"_L1));
        QVERIFY(!sent.contains("top_k"_L1));
    }
}

void TestAnthropicAdapter::systemCacheControl()
{
    // One part with cache_control turns the whole system prompt into blocks, in order.
    const QJsonObject body{
        {"model"_L1, "alias"_L1},
        {"messages"_L1,
         QJsonArray{
             QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, "Plain rules."_L1}},
             QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}},
             QJsonObject{{"role"_L1, "developer"_L1},
                         {"content"_L1,
                          QJsonArray{QJsonObject{
                              {"type"_L1, "text"_L1},
                              {"text"_L1, "Long cached context."_L1},
                              {"cache_control"_L1, QJsonObject{{"type"_L1, "ephemeral"_L1}}}}}}}}}};
    const QJsonObject sent = built(body);
    const QJsonArray expected{
        QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Plain rules."_L1}},
        QJsonObject{{"type"_L1, "text"_L1},
                    {"text"_L1, "Long cached context."_L1},
                    {"cache_control"_L1, QJsonObject{{"type"_L1, "ephemeral"_L1}}}},
    };
    QCOMPARE(sent.value("system"_L1).toArray(), expected);
    QCOMPARE(sent.value("messages"_L1).toArray().size(), 1);
    // Cache control on a user part stays on its block (no string shortcut then).
    QJsonObject cachedUser{
        {"model"_L1, "alias"_L1},
        {"messages"_L1,
         QJsonArray{
             QJsonObject{{"role"_L1, "user"_L1},
                         {"content"_L1,
                          QJsonArray{QJsonObject{
                              {"type"_L1, "text"_L1},
                              {"text"_L1, "Big document"_L1},
                              {"cache_control"_L1, QJsonObject{{"type"_L1, "ephemeral"_L1}}}}}}}}}};
    const QJsonValue content =
        built(cachedUser).value("messages"_L1).toArray().at(0).toObject().value("content"_L1);
    QVERIFY(content.isArray());
    QCOMPARE(content.toArray()
                 .at(0)
                 .toObject()
                 .value("cache_control"_L1)
                 .toObject()
                 .value("type"_L1)
                 .toString(),
             u"ephemeral"_s);
}

void TestAnthropicAdapter::requestRefused_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("param");

    QTest::newRow("n > 1") << userChat({{"n"_L1, 2}}) << u"n"_s;
    QTest::newRow("unknown reasoning_effort")
        << userChat({{"reasoning_effort"_L1, "maximum"_L1}}) << u"reasoning_effort"_s;
    QTest::newRow("no messages") << QJsonObject{{"model"_L1, "m"_L1}, {"messages"_L1, QJsonArray()}}
                                 << u"messages"_s;
    QTest::newRow("unknown role") << QJsonObject{{"model"_L1, "m"_L1},
                                                 {"messages"_L1,
                                                  QJsonArray{QJsonObject{{"role"_L1, "robot"_L1}}}}}
                                  << u"messages[0].role"_s;
    QTest::newRow("audio part")
        << QJsonObject{{"model"_L1, "m"_L1},
                       {"messages"_L1,
                        QJsonArray{
                            QJsonObject{{"role"_L1, "user"_L1},
                                        {"content"_L1,
                                         QJsonArray{QJsonObject{{"type"_L1, "input_audio"_L1}}}}}}}}
        << u"messages[0].content[0]"_s;
}

void TestAnthropicAdapter::requestRefused()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, param);
    auto result = build(body);
    QVERIFY(std::holds_alternative<ApiError>(result));
    const ApiError error = std::get<ApiError>(result);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QVERIFY(!error.message.isEmpty());
}

void TestAnthropicAdapter::toolIdsInjective_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("unchanged");
    QTest::newRow("anthropic id") << u"toolu_01LRanfq6DmHn1yDTB4d1SAh"_s << true;
    QTest::newRow("openai id") << u"call_abc-123"_s << true;
    QTest::newRow("kimi style") << u"functions.search:0"_s << false;
    QTest::newRow("pipe") << u"call|1"_s << false;
    QTest::newRow("dot") << u"call.1"_s << false;
    QTest::newRow("starts with the prefix") << u"ogid_Y2FsbHwx"_s << false; // = encoded "call|1"
    QTest::newRow("the prefix alone") << u"ogid_"_s << false;
    QTest::newRow("unicode") << u"调用-1"_s << false;
    QTest::newRow("space") << u"call 1"_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestAnthropicAdapter::toolIdsInjective()
{
    QFETCH(QString, id);
    QFETCH(bool, unchanged);
    static const QRegularExpression pattern(u"^[a-zA-Z0-9_-]+$"_s);
    const QString mapped = anthropic::toAnthropicToolId(id);
    QVERIFY2(pattern.match(mapped).hasMatch(), qPrintable(mapped));
    QCOMPARE(mapped == id, unchanged);
    QCOMPARE(anthropic::fromAnthropicToolId(mapped), id);

    // Injective over every id of the table: no two ids share a mapping.
    QSet<QString> seen;
    const QStringList all{u"toolu_01LRanfq6DmHn1yDTB4d1SAh"_s,
                          u"call_abc-123"_s,
                          u"functions.search:0"_s,
                          u"call|1"_s,
                          u"call.1"_s,
                          u"ogid_Y2FsbHwx"_s,
                          u"ogid_"_s,
                          u"调用-1"_s,
                          u"call 1"_s,
                          QString(),
                          u"Y2FsbHwx"_s,
                          u"ogid_ogid_"_s};
    for (const QString &each : all)
        seen.insert(anthropic::toAnthropicToolId(each));
    QCOMPARE(seen.size(), all.size());
}

void TestAnthropicAdapter::toolIdsForeignPrefix()
{
    // Something with our prefix that is not our encoding is left alone, not garbled.
    QCOMPARE(anthropic::fromAnthropicToolId(u"ogid_!!not-base64"_s), u"ogid_!!not-base64"_s);
    QCOMPARE(anthropic::fromAnthropicToolId(u"ogid_Y2FsbHwx="_s), u"ogid_Y2FsbHwx="_s);
    QCOMPARE(anthropic::fromAnthropicToolId(u"toolu_x"_s), u"toolu_x"_s);
}

void TestAnthropicAdapter::toolArguments_data()
{
    QTest::addColumn<QString>("arguments");
    QTest::addColumn<QJsonObject>("input");
    QTest::newRow("object") << uR"({"city":"Paris","days":[1,2]})"_s
                            << QJsonObject{{"city"_L1, "Paris"_L1}, {"days"_L1, QJsonArray{1, 2}}};
    QTest::newRow("padded object") << u"  { \"a\" : 1 }  "_s << QJsonObject{{"a"_L1, 1}};
    QTest::newRow("empty string") << QString() << QJsonObject();
    QTest::newRow("blank") << u"  "_s << QJsonObject();
    QTest::newRow("broken JSON kept")
        << u"{\"city\": \"Par"_s << QJsonObject{{"_raw_arguments"_L1, "{\"city\": \"Par"_L1}};
    QTest::newRow("array kept") << u"[1,2]"_s << QJsonObject{{"_raw_arguments"_L1, "[1,2]"_L1}};
}

void TestAnthropicAdapter::toolArguments()
{
    QFETCH(QString, arguments);
    QFETCH(QJsonObject, input);
    const QJsonObject call{
        {"id"_L1, "call_1"_L1},
        {"type"_L1, "function"_L1},
        {"function"_L1, QJsonObject{{"name"_L1, "get_weather"_L1}, {"arguments"_L1, arguments}}}};
    const QJsonObject body{
        {"model"_L1, "m"_L1},
        {"messages"_L1,
         QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Hi"_L1}},
                    QJsonObject{{"role"_L1, "assistant"_L1}, {"tool_calls"_L1, QJsonArray{call}}},
                    QJsonObject{{"role"_L1, "tool"_L1},
                                {"tool_call_id"_L1, "call_1"_L1},
                                {"content"_L1, "ok"_L1}}}}};
    const QJsonArray messages = built(body).value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 3);
    const QJsonObject toolUse =
        messages.at(1).toObject().value("content"_L1).toArray().at(0).toObject();
    QCOMPARE(toolUse.value("type"_L1).toString(), u"tool_use"_s);
    QCOMPARE(toolUse.value("input"_L1).toObject(), input);
}

void TestAnthropicAdapter::streamedThinkingJoined_data()
{
    QTest::addColumn<QJsonArray>("blocks");
    QTest::addColumn<QString>("reasoningContent");
    QTest::addColumn<QStringList>("sentTexts"); // the thinking text of each sent block

    const auto thinking = [](const char *text, const char *signature) {
        return QJsonObject{{"type"_L1, "thinking"_L1},
                           {"thinking"_L1, QLatin1String(text)},
                           {"signature"_L1, QLatin1String(signature)}};
    };
    const QJsonObject redacted{{"type"_L1, "redacted_thinking"_L1}, {"data"_L1, "EmwKAhgB"_L1}};
    // What a client holds after a stream: text from reasoning_content, signature alone.
    QTest::newRow("streamed: one signed block without text")
        << QJsonArray{thinking("", "c2ln")} << u"Let me think."_s
        << QStringList{u"Let me think."_s};
    QTest::newRow("streamed, after a redacted block")
        << QJsonArray{redacted, thinking("", "c2ln")} << u"Let me think."_s
        << QStringList{QString(), u"Let me think."_s};
    QTest::newRow("non-stream: the block has its text")
        << QJsonArray{thinking("Block text.", "c2ln")} << u"Other text."_s
        << QStringList{u"Block text."_s};
    QTest::newRow("two signed blocks: ambiguous, unchanged")
        << QJsonArray{thinking("", "c2ln"), thinking("", "c2lnMg")} << u"Let me think."_s
        << QStringList{QString(), QString()};
}

void TestAnthropicAdapter::streamedThinkingJoined()
{
    QFETCH(QJsonArray, blocks);
    QFETCH(QString, reasoningContent);
    QFETCH(QStringList, sentTexts);
    const QJsonObject assistant{{"role"_L1, "assistant"_L1},
                                {"content"_L1, "12,231"_L1},
                                {"reasoning_content"_L1, reasoningContent},
                                {"thinking_blocks"_L1, blocks}};
    const QJsonObject body{
        {"model"_L1, "m"_L1},
        {"messages"_L1,
         QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "27 * 453?"_L1}}, assistant,
                    QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Thanks"_L1}}}}};
    const QJsonArray sent =
        built(body).value("messages"_L1).toArray().at(1).toObject().value("content"_L1).toArray();
    QCOMPARE(sent.size(), sentTexts.size() + 1);
    for (qsizetype i = 0; i < sentTexts.size(); ++i)
        QCOMPARE(sent.at(i).toObject().value("thinking"_L1).toString(), sentTexts.at(i));
    QCOMPARE(sent.last().toObject().value("text"_L1).toString(), u"12,231"_s);
}

// ---- non-stream answers ---------------------------------------------------------------

void TestAnthropicAdapter::nonStream_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QStringList>("tools"); // "id name arguments" per call
    QTest::addColumn<QString>("finish");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<int>("thinkingBlocks");

    QTest::newRow("text (recorded)")
        << u"messages_response_text_recorded.json"_s << u"msg_01C1RRE9d8CxcudwbihWU9di"_s
        << u"The weather in San Francisco, CA is currently **68°F and Sunny**. Great day out there!"_s
        << QStringList() << u"stop"_s << QString() << 0;
    QTest::newRow("text + tool_use (recorded)")
        << u"messages_response_tool_use_recorded.json"_s << u"msg_01UBZt9MX63Tk3v1gKvgxk3A"_s
        << u"I'll get the weather for each of those cities. Let me start by checking San Francisco."_s
        << QStringList{uR"(toolu_01LRanfq6DmHn1yDTB4d1SAh get_weather {"location":"San Francisco, CA","units":"f"})"_s}
        << u"tool_calls"_s << QString() << 0;
    QTest::newRow("two tool_use (composed)")
        << u"messages_response_parallel_tool_use.composed.json"_s
        << u"msg_01PaRaLLe1ToOLuSe0000001"_s
        << u"I'll check the weather and the local time in San Francisco."_s
        << QStringList{uR"(toolu_01WeaTher0000000000000001 get_weather {"location":"San Francisco, CA","units":"f"})"_s,
                       uR"(toolu_01TiMe000000000000000002 get_time {"timezone":"America/Los_Angeles"})"_s}
        << u"tool_calls"_s << QString() << 0;
    QTest::newRow("max_tokens (composed)")
        << u"messages_response_max_tokens.composed.json"_s << u"msg_01MaXToKens00000000000001"_s
        << u"The weather in San Francisco, CA is currently"_s << QStringList() << u"length"_s
        << QString() << 0;
    QTest::newRow("thinking + redacted (composed)")
        << u"messages_response_thinking.composed.json"_s << u"msg_01ThinKing0000000000000001"_s
        << u"27 * 453 = 12,231"_s << QStringList() << u"stop"_s
        << u"Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3"_s
        << 2;
}

void TestAnthropicAdapter::nonStream()
{
    QFETCH(QString, file);
    QFETCH(QString, id);
    QFETCH(QString, content);
    QFETCH(QStringList, tools);
    QFETCH(QString, finish);
    QFETCH(QString, reasoning);
    QFETCH(int, thinkingBlocks);

    AnthropicAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, {}, u"claude-test"_s, userChat(), false, false);
    const QByteArray raw = fixture(file);
    const ChatResult result = adapter.decodeChat(call, raw);
    QVERIFY(!result.error);
    const QJsonObject completion = jsonOf(result.body);
    QCOMPARE(completion.value("object"_L1).toString(), u"chat.completion"_s);
    QCOMPARE(completion.value("id"_L1).toString(), id);
    QCOMPARE(completion.value("model"_L1).toString(), jsonOf(raw).value("model"_L1).toString());
    QVERIFY(completion.value("created"_L1).toInteger() > 0);
    const QJsonObject choice = completion.value("choices"_L1).toArray().at(0).toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    QCOMPARE(message.value("role"_L1).toString(), u"assistant"_s);
    QCOMPARE(message.value("content"_L1).toString(), content);
    QCOMPARE(choice.value("finish_reason"_L1).toString(), finish);
    QStringList calls;
    for (const QJsonValue &entry : message.value("tool_calls"_L1).toArray()) {
        const QJsonObject object = entry.toObject();
        QCOMPARE(object.value("type"_L1).toString(), u"function"_s);
        const QJsonObject function = object.value("function"_L1).toObject();
        calls.append(object.value("id"_L1).toString() + u' ' +
                     function.value("name"_L1).toString() + u' ' +
                     function.value("arguments"_L1).toString());
    }
    QCOMPARE(calls, tools);
    QCOMPARE(message.value("reasoning_content"_L1).toString(), reasoning);
    const QJsonArray blocks = message.value("thinking_blocks"_L1).toArray();
    QCOMPARE(blocks.size(), thinkingBlocks);
    if (thinkingBlocks == 2) {
        // Signed and redacted blocks come back in order, ready for the next turn.
        QCOMPARE(blocks.at(0).toObject(),
                 (QJsonObject{{"type"_L1, "thinking"_L1},
                              {"thinking"_L1, reasoning},
                              {"signature"_L1,
                               "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"_L1}}));
        QCOMPARE(
            blocks.at(1).toObject(),
            (QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                         {"data"_L1,
                          "EmwKAhgBEgy3va3pzix0LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"_L1}}));
    }
    const QJsonObject usage = completion.value("usage"_L1).toObject();
    QCOMPARE(usage.value("prompt_tokens"_L1).toInteger(), result.usage.prompt);
    QCOMPARE(usage.value("completion_tokens"_L1).toInteger(), result.usage.completion);
    QVERIFY(result.usage.known);
}

void TestAnthropicAdapter::finishReasons_data()
{
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QString>("finish");
    QTest::newRow("end_turn") << u"end_turn"_s << u"stop"_s;
    QTest::newRow("stop_sequence") << u"stop_sequence"_s << u"stop"_s;
    QTest::newRow("pause_turn") << u"pause_turn"_s << u"stop"_s;
    QTest::newRow("max_tokens") << u"max_tokens"_s << u"length"_s;
    QTest::newRow("model_context_window_exceeded")
        << u"model_context_window_exceeded"_s << u"length"_s;
    QTest::newRow("tool_use") << u"tool_use"_s << u"tool_calls"_s;
    QTest::newRow("refusal (gateway choice)") << u"refusal"_s << u"content_filter"_s;
    QTest::newRow("unknown future value") << u"something_new"_s << u"stop"_s;
}

void TestAnthropicAdapter::finishReasons()
{
    QFETCH(QString, stopReason);
    QFETCH(QString, finish);
    AnthropicAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, {}, u"claude-test"_s, userChat(), false, false);
    const QJsonObject message{
        {"type"_L1, "message"_L1},
        {"id"_L1, "msg_x"_L1},
        {"content"_L1, QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "x"_L1}}}},
        {"stop_reason"_L1, stopReason}};
    const ChatResult result = adapter.decodeChat(call, QJsonDocument(message).toJson());
    QVERIFY(!result.error);
    QCOMPARE(jsonOf(result.body)
                 .value("choices"_L1)
                 .toArray()
                 .at(0)
                 .toObject()
                 .value("finish_reason"_L1)
                 .toString(),
             finish);
    // No usage in the answer: nothing to record, but the body still has the OpenAI shape.
    QVERIFY(!result.usage.known);

    // The same stop reason in a stream.
    const QByteArray stream = sse(
        {kMessageStart,
         R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"_ba,
         R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})"_ba,
         R"({"type":"content_block_stop","index":0})"_ba,
         R"({"type":"message_delta","delta":{"stop_reason":")" + stopReason.toUtf8() +
             R"("},"usage":{"output_tokens":3}})",
         kMessageStop});
    const RecordingSink sink = decodeStream(stream);
    QVERIFY(sink.completed);
    QCOMPARE(reassemble(sink.frames).finishReason, finish);
}

void TestAnthropicAdapter::usageMapping_data()
{
    QTest::addColumn<QJsonObject>("usage");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<qint64>("cacheWrite");
    QTest::addColumn<qint64>("reasoning");

    QTest::newRow("recorded text")
        << jsonOf(fixture(u"messages_response_text_recorded.json"_s)).value("usage"_L1).toObject()
        << qint64(770) << qint64(26) << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("cache read and write")
        << jsonOf(fixture(u"messages_response_parallel_tool_use.composed.json"_s))
               .value("usage"_L1)
               .toObject()
        << qint64(12 + 300 + 2048) << qint64(121) << qint64(2048) << qint64(300) << qint64(0);
    QTest::newRow("thinking tokens reported")
        << QJsonObject{{"input_tokens"_L1, 10},
                       {"output_tokens"_L1, 50},
                       {"output_tokens_details"_L1, QJsonObject{{"thinking_tokens"_L1, 40}}}}
        << qint64(10) << qint64(50) << qint64(0) << qint64(0) << qint64(40);
}

void TestAnthropicAdapter::usageMapping()
{
    QFETCH(QJsonObject, usage);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(qint64, cached);
    QFETCH(qint64, cacheWrite);
    QFETCH(qint64, reasoning);

    AnthropicAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, {}, u"claude-test"_s, userChat(), false, false);
    const QJsonObject message{{"type"_L1, "message"_L1},
                              {"content"_L1, QJsonArray()},
                              {"stop_reason"_L1, "end_turn"_L1},
                              {"usage"_L1, usage}};
    const ChatResult result = adapter.decodeChat(call, QJsonDocument(message).toJson());
    QVERIFY(!result.error);
    QCOMPARE(result.usage.prompt, prompt);
    QCOMPARE(result.usage.completion, completion);
    QCOMPARE(result.usage.cached, cached);
    QCOMPARE(result.usage.cacheWrite, cacheWrite);
    QCOMPARE(result.usage.reasoning, reasoning);
    const QJsonObject openAi = jsonOf(result.body).value("usage"_L1).toObject();
    QCOMPARE(openAi.value("prompt_tokens"_L1).toInteger(), prompt);
    QCOMPARE(openAi.value("completion_tokens"_L1).toInteger(), completion);
    QCOMPARE(openAi.value("total_tokens"_L1).toInteger(), prompt + completion);
    const QJsonObject details = openAi.value("prompt_tokens_details"_L1).toObject();
    QCOMPARE(details.value("cached_tokens"_L1).toInteger(), cached);
    QCOMPARE(details.value("cache_write_tokens"_L1).toInteger(), cacheWrite);
    QCOMPARE(openAi.value("completion_tokens_details"_L1)
                 .toObject()
                 .value("reasoning_tokens"_L1)
                 .toInteger(),
             reasoning);
}

void TestAnthropicAdapter::nonStreamBroken_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("not JSON") << "not json at all"_ba << 502 << u"bad_upstream_response"_s;
    QTest::newRow("not a message")
        << R"({"hello":"world"})"_ba << 502 << u"bad_upstream_response"_s;
    QTest::newRow("error body with 200")
        << fixture(u"error_529_overloaded.json"_s) << 503 << u"overloaded"_s;
}

void TestAnthropicAdapter::nonStreamBroken()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    AnthropicAdapter adapter;
    const ProviderSettings settings = provider();
    ChatCall call = onegate::test::chatCall(&settings, {}, u"claude-test"_s, userChat(), false, false);
    const ChatResult result = adapter.decodeChat(call, body);
    QVERIFY(result.error);
    QCOMPARE(result.error->status, status);
    QCOMPARE(result.error->code, code);
    QVERIFY(
        result.error->upstreamBody.isEmpty()); // never relay Anthropic's shape to an OpenAI client
}

// ---- streams --------------------------------------------------------------------------

void TestAnthropicAdapter::stream_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("content");
    QTest::addColumn<QString>("reasoning");
    QTest::addColumn<QStringList>("signatures");
    QTest::addColumn<QStringList>("tools"); // "id name arguments" per call, by index
    QTest::addColumn<QString>("finish");
    QTest::addColumn<qint64>("prompt"); // -1: no usage reported
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("cached");

    QTest::newRow("text (recorded)")
        << u"messages_stream_text_recorded.sse"_s << u"msg_016HxyUMAncysqX7dn1kWNRx"_s
        << u"claude-haiku-4-5-20251001"_s
        << u"The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!"_s
        << QString() << QStringList() << QStringList() << u"stop"_s << qint64(770) << qint64(38)
        << qint64(0);
    QTest::newRow("text (docs)") << u"messages_stream_text_docs.sse"_s
                                 << u"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY"_s
                                 << u"claude-sonnet-4-5-20250929"_s << u"Hello!"_s << QString()
                                 << QStringList() << QStringList() << u"stop"_s << qint64(25)
                                 << qint64(15) << qint64(0);
    QTest::newRow("tool_use (recorded)")
        << u"messages_stream_tool_use_recorded.sse"_s << u"msg_01AusY9WEbCaj3N7Tv5J4YjH"_s
        << u"claude-haiku-4-5-20251001"_s << QString() << QString() << QStringList()
        << QStringList{uR"(toolu_018acGYLtfR52q9yDbWaEdQZ get_weather {"location": "San Francisco, CA", "units": "f"})"_s}
        << u"tool_calls"_s << qint64(656) << qint64(74) << qint64(0);
    QTest::newRow("text then tool_use (docs)")
        << u"messages_stream_tool_use_docs.sse"_s << u"msg_014p7gG3wDgGV9EUtLvnow3U"_s
        << u"claude-sonnet-4-5-20250929"_s
        << u"Okay, let's check the weather for San Francisco, CA:"_s << QString() << QStringList()
        << QStringList{uR"(toolu_01T1x1fJ34qAmk2tNTrN7Up6 get_weather {"location": "San Francisco, CA", "unit": "fahrenheit"})"_s}
        << u"tool_calls"_s << qint64(472) << qint64(89) << qint64(0);
    QTest::newRow("thinking (docs)")
        << u"messages_stream_thinking_docs.sse"_s << u"msg_01..."_s
        << u"claude-sonnet-4-5-20250929"_s << u"27 * 453 = 12,231"_s
        << u"Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3\n3. 27 * 400 = 10,800\n4. 27 * 50 = 1,350\n5. 27 * 3 = 81\n6. 10,800 + 1,350 + 81 = 12,231"_s
        << QStringList{u"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."_s}
        << QStringList() << u"stop"_s << qint64(-1) << qint64(0) << qint64(0);
    QTest::newRow("text + two tools, cache usage (composed)")
        << u"messages_stream_parallel_tool_use.composed.sse"_s << u"msg_01PaRaLLe1ToOLuSe0000002"_s
        << u"claude-haiku-4-5-20251001"_s
        << u"I'll check the weather and the local time in San Francisco."_s << QString()
        << QStringList()
        << QStringList{uR"(toolu_01WeaTher0000000000000001 get_weather {"location": "San Francisco, CA", "units": "f"})"_s,
                       uR"(toolu_01TiMe000000000000000002 get_time {"timezone": "America/Los_Angeles"})"_s}
        << u"tool_calls"_s << qint64(12 + 300 + 2048) << qint64(121) << qint64(2048);
    QTest::newRow("max_tokens (composed)")
        << u"messages_stream_max_tokens.composed.sse"_s << u"msg_01MaXToKens00000000000002"_s
        << u"claude-haiku-4-5-20251001"_s << u"The weather in San Francisco, CA is currently"_s
        << QString() << QStringList() << QStringList() << u"length"_s << qint64(770) << qint64(10)
        << qint64(0);
}

void TestAnthropicAdapter::stream()
{
    QFETCH(QString, file);
    QFETCH(QString, id);
    QFETCH(QString, model);
    QFETCH(QString, content);
    QFETCH(QString, reasoning);
    QFETCH(QStringList, signatures);
    QFETCH(QStringList, tools);
    QFETCH(QString, finish);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(qint64, cached);

    const RecordingSink sink = decodeStream(fixture(file));
    QVERIFY2(sink.completed, sink.failure ? qPrintable(sink.failure->message) : "not completed");
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    const Reassembled got = reassemble(sink.frames);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QCOMPARE(got.id, id);
    QCOMPARE(got.model, model);
    QCOMPARE(got.content, content);
    QCOMPARE(got.reasoning, reasoning);
    QCOMPARE(got.signatures, signatures);
    QStringList calls;
    for (auto it = got.toolIds.cbegin(); it != got.toolIds.cend(); ++it)
        calls.append(it.value() + u' ' + got.toolNames.value(it.key()) + u' ' +
                     got.toolArguments.value(it.key()));
    QCOMPARE(calls, tools);
    for (int i = 0; i < tools.size(); ++i) {
        QVERIFY(got.toolIds.contains(i)); // numbered 0, 1, ... among tool calls
        QVERIFY(QJsonDocument::fromJson(got.toolArguments.value(i).toUtf8()).isObject());
    }
    QCOMPARE(got.finishReason, finish);
    QVERIFY(!got.usageChunk); // not asked for
    QCOMPARE(sink.usage.known, prompt >= 0);
    if (prompt >= 0) {
        QCOMPARE(sink.usage.prompt, prompt);
        QCOMPARE(sink.usage.completion, completion);
        QCOMPARE(sink.usage.cached, cached);
    }
    // Only frames with model output count for time to first token.
    QVERIFY(!sink.contentFlags.constFirst());
}

void TestAnthropicAdapter::streamSplitAtEveryByte_data()
{
    QTest::addColumn<QString>("file");
    for (const QString &file : kStreamFixtures)
        QTest::newRow(qPrintable(file)) << file;
    QTest::newRow("stream_error_event_overloaded_docs.sse")
        << u"stream_error_event_overloaded_docs.sse"_s;
}

void TestAnthropicAdapter::streamSplitAtEveryByte()
{
    QFETCH(QString, file);
    const QByteArray stream = fixture(file);
    const RecordingSink whole = decodeStream(stream, true);
    QVERIFY(whole.completed || whole.failure);
    const QList<QJsonObject> expected = withoutCreated(whole.frames);
    for (qsizetype cut = 1; cut < stream.size(); ++cut) {
        const RecordingSink split = decodeStream(stream, true, cut);
        QCOMPARE(split.completed, whole.completed);
        QCOMPARE(split.failure.has_value(), whole.failure.has_value());
        QCOMPARE(withoutCreated(split.frames), expected);
        QCOMPARE(split.usage.prompt, whole.usage.prompt);
        QCOMPARE(split.usage.completion, whole.usage.completion);
    }
}

void TestAnthropicAdapter::streamUsageChunk_data()
{
    QTest::addColumn<bool>("clientWantsUsage");
    QTest::newRow("client asked") << true;
    QTest::newRow("client did not ask") << false;
}

void TestAnthropicAdapter::streamUsageChunk()
{
    QFETCH(bool, clientWantsUsage);
    // message_start says output 8; message_delta repeats input and says 38 in total.
    const RecordingSink sink =
        decodeStream(fixture(u"messages_stream_text_recorded.sse"_s), clientWantsUsage);
    QVERIFY(sink.completed);
    QCOMPARE(sink.usage.prompt, 770);
    QCOMPARE(sink.usage.completion, 38); // the last cumulative value, never a sum
    QVERIFY(sink.usageReports >= 2);
    const Reassembled got = reassemble(sink.frames);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    QCOMPARE(got.usageChunk.has_value(), clientWantsUsage);
    if (clientWantsUsage) {
        QCOMPARE(got.usageChunk->value("prompt_tokens"_L1).toInteger(), 770);
        QCOMPARE(got.usageChunk->value("completion_tokens"_L1).toInteger(), 38);
        QCOMPARE(got.usageChunk->value("total_tokens"_L1).toInteger(), 808);
    }
}

void TestAnthropicAdapter::streamToolIndexCountsToolsOnly()
{
    // In the docs stream the tool is content block 1 (after a text block): it is call 0.
    const RecordingSink sink = decodeStream(fixture(u"messages_stream_tool_use_docs.sse"_s));
    QVERIFY(sink.completed);
    QList<int> indexes;
    for (const QByteArray &frame : sink.frames) {
        const QJsonObject delta = sseJson(frame)
                                      .value("choices"_L1)
                                      .toArray()
                                      .at(0)
                                      .toObject()
                                      .value("delta"_L1)
                                      .toObject();
        for (const QJsonValue &call : delta.value("tool_calls"_L1).toArray())
            indexes.append(call.toObject().value("index"_L1).toInt());
    }
    QVERIFY(!indexes.isEmpty());
    QCOMPARE(QSet<int>(indexes.cbegin(), indexes.cend()), QSet<int>{0});
    // The first piece ("") is dropped: 1 id+name chunk and 8 argument chunks.
    QCOMPARE(indexes.size(), 9);
}

void TestAnthropicAdapter::streamToolWithoutArguments()
{
    const QByteArray stream = sse(
        {kMessageStart,
         R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_time","input":{}}})"_ba,
         R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}})"_ba,
         R"({"type":"content_block_stop","index":0})"_ba,
         R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_2","name":"echo","input":{"a":1}}})"_ba,
         R"({"type":"content_block_stop","index":1})"_ba,
         R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}})"_ba,
         kMessageStop});
    const RecordingSink sink = decodeStream(stream);
    QVERIFY(sink.completed);
    const Reassembled got = reassemble(sink.frames);
    QVERIFY2(got.problem.isEmpty(), qPrintable(got.problem));
    // OpenAI clients JSON.parse the arguments: "{}" for none, the start's input if given.
    QCOMPARE(got.toolArguments.value(0), u"{}"_s);
    QCOMPARE(got.toolArguments.value(1), uR"({"a":1})"_s);
    QCOMPARE(got.finishReason, u"tool_calls"_s);
}

void TestAnthropicAdapter::streamRedactedThinking()
{
    const QByteArray stream = sse(
        {kMessageStart,
         R"({"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgB"}})"_ba,
         R"({"type":"content_block_stop","index":0})"_ba,
         R"({"type":"content_block_start","index":1,"content_block":{"type":"thinking","thinking":""}})"_ba,
         R"({"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"Hmm."}})"_ba,
         R"({"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"c2lnbmF0dXJl"}})"_ba,
         R"({"type":"content_block_stop","index":1})"_ba,
         R"({"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}})"_ba,
         R"({"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Done."}})"_ba,
         R"({"type":"content_block_stop","index":2})"_ba,
         R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}})"_ba,
         kMessageStop});
    const RecordingSink sink = decodeStream(stream);
    QVERIFY(sink.completed);
    const Reassembled got = reassemble(sink.frames);
    QCOMPARE(got.redacted, QStringList{u"EmwKAhgB"_s});
    QCOMPARE(got.signatures, QStringList{u"c2lnbmF0dXJl"_s});
    QCOMPARE(got.reasoning, u"Hmm."_s);
    QCOMPARE(got.content, u"Done."_s);
}

void TestAnthropicAdapter::streamEncodedToolIdDecoded()
{
    // Should Anthropic ever hand back an id we encoded, the client gets its own id.
    const QString encoded = anthropic::toAnthropicToolId(u"functions.search:0"_s);
    const QByteArray stream = sse(
        {kMessageStart,
         R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":")" +
             encoded.toUtf8() + R"(","name":"search","input":{}}})",
         R"({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"q\":1}"}})"_ba,
         R"({"type":"content_block_stop","index":0})"_ba,
         R"({"type":"message_delta","delta":{"stop_reason":"tool_use"}})"_ba, kMessageStop});
    const Reassembled got = reassemble(decodeStream(stream).frames);
    QCOMPARE(got.toolIds.value(0), u"functions.search:0"_s);
}

void TestAnthropicAdapter::streamIgnoresPingAndUnknown()
{
    const QByteArray plain = sse(
        {kMessageStart,
         R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"_ba,
         R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})"_ba,
         R"({"type":"content_block_stop","index":0})"_ba,
         R"({"type":"message_delta","delta":{"stop_reason":"end_turn"}})"_ba, kMessageStop});
    const QByteArray noisy =
        sse({kMessageStart, R"({"type":"ping"})"_ba,
             R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"_ba,
             R"({"type":"ping"})"_ba,
             R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})"_ba,
             R"({"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"cited_text":"x"}}})"_ba,
             R"({"type":"future_event","payload":{"x":1}})"_ba,
             R"({"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}})"_ba,
             R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"query\":\"x\"}"}})"_ba,
             R"({"type":"content_block_stop","index":1})"_ba,
             R"({"type":"content_block_stop","index":0})"_ba,
             R"({"type":"message_delta","delta":{"stop_reason":"end_turn"}})"_ba, kMessageStop}) +
        ": a comment line\n\n";
    const RecordingSink expected = decodeStream(plain);
    const RecordingSink got = decodeStream(noisy);
    QVERIFY(got.completed);
    QCOMPARE(withoutCreated(got.frames), withoutCreated(expected.frames));
}

void TestAnthropicAdapter::streamErrorEvent()
{
    // A few events of the recorded text stream, then the docs' in-stream error.
    const QByteArray text = fixture(u"messages_stream_text_recorded.sse"_s);
    const qsizetype fourth = [&] {
        qsizetype at = 0;
        for (int i = 0; i < 4; ++i)
            at = text.indexOf("\n\n", at) + 2;
        return at;
    }();
    const QByteArray stream =
        text.left(fourth) + fixture(u"stream_error_event_overloaded_docs.sse"_s);
    const RecordingSink sink = decodeStream(stream);
    QVERIFY(!sink.completed);
    QVERIFY(sink.failure);
    QCOMPARE(sink.failure->status, 503);
    QCOMPARE(sink.failure->type, u"server_error"_s);
    QCOMPARE(sink.failure->code, u"overloaded"_s);
    QCOMPARE(sink.failure->message, u"Overloaded"_s);
    QVERIFY(sink.failure->upstreamBody.isEmpty());
    const Reassembled got = reassemble(sink.frames);
    QCOMPARE(got.content, u"The weather in San Francisco, CA is"_s);
    QVERIFY(got.finishReason.isEmpty());
    QVERIFY(sink.terminator.isEmpty());
}

void TestAnthropicAdapter::streamTruncated_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("completes");
    QTest::addColumn<QString>("code");

    const QByteArray text = fixture(u"messages_stream_text_recorded.sse"_s);
    const qsizetype lastEvent = text.lastIndexOf("event: message_stop");
    const qsizetype deltaEvent = text.lastIndexOf("event: message_delta");
    QTest::newRow("cut before message_delta")
        << text.left(deltaEvent) << false << u"stream_truncated"_s;
    QTest::newRow("cut inside an event")
        << text.left(deltaEvent + 30) << false << u"stream_truncated"_s;
    QTest::newRow("empty body") << QByteArray() << false << u"stream_truncated"_s;
    // Gateway choice: the stop reason arrived, so the answer is whole.
    QTest::newRow("message_stop lost after message_delta")
        << text.left(lastEvent) << true << QString();
    QTest::newRow("garbage data") << "event: message_start\ndata: {not json\n\n"_ba << false
                                  << u"bad_upstream_response"_s;
    QTest::newRow("HTML instead of SSE")
        << "<html><body>502 Bad Gateway</body></html>\n\n"_ba << false << u"stream_truncated"_s;
}

void TestAnthropicAdapter::streamTruncated()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, completes);
    QFETCH(QString, code);
    const RecordingSink sink = decodeStream(stream);
    QCOMPARE(sink.completed, completes);
    if (completes) {
        QCOMPARE(reassemble(sink.frames).finishReason, u"stop"_s);
        return;
    }
    QVERIFY(sink.failure);
    QCOMPARE(sink.failure->status, 502);
    QCOMPARE(sink.failure->code, code);
}

// ---- errors and the model list ----------------------------------------------------------

void TestAnthropicAdapter::errorMapping_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message"); // the start of the message
    QTest::addColumn<QString>("requestId");
    QTest::addColumn<bool>("retryable");

    auto body = [](const char *type, const char *message) {
        return QJsonDocument(
                   QJsonObject{{"type"_L1, "error"_L1},
                               {"error"_L1, QJsonObject{{"type"_L1, QLatin1String(type)},
                                                        {"message"_L1, QLatin1String(message)}}}})
            .toJson(QJsonDocument::Compact);
    };
    QTest::newRow("400 invalid_request_error (recorded)")
        << 400 << fixture(u"error_400_invalid_request_recorded.json"_s) << 400
        << u"invalid_request_error"_s << QString()
        << u"messages.0.content.1: unexpected `tool_use_id`"_s << u"req_011CYHyk9NPsBYeGbC9LuDNK"_s
        << false;
    QTest::newRow("401 authentication_error")
        << 401 << fixture(u"error_401_authentication.composed.json"_s) << 401
        << u"invalid_request_error"_s << u"invalid_api_key"_s << u"invalid x-api-key"_s
        << u"req_011CAuthEnTicAtion0000001"_s << false;
    QTest::newRow("403 permission_error")
        << 403 << body("permission_error", "Your API key does not have permission") << 403
        << u"invalid_request_error"_s << u"permission_denied"_s << u"Your API key"_s << QString()
        << false;
    QTest::newRow("404 not_found_error (docs)")
        << 404 << fixture(u"error_404_not_found_docs.json"_s) << 404 << u"invalid_request_error"_s
        << u"model_not_found"_s << u"The requested resource could not be found."_s << QString()
        << false;
    QTest::newRow("413 request_too_large")
        << 413 << body("request_too_large", "Request exceeds the maximum allowed size") << 413
        << u"invalid_request_error"_s << u"request_too_large"_s << u"Request exceeds"_s << QString()
        << false;
    QTest::newRow("413 as invalid_request_error keeps 413")
        << 413 << body("invalid_request_error", "prompt is too long") << 413
        << u"invalid_request_error"_s << QString() << u"prompt is too long"_s << QString() << false;
    QTest::newRow("429 rate_limit_error (recorded)")
        << 429 << fixture(u"error_429_rate_limit_recorded.json"_s) << 429 << u"requests"_s
        << u"rate_limit_exceeded"_s << u"This request would exceed your organization's rate limit"_s
        << u"req_011CYK5mje9HkutJtmfPzzNC"_s << true;
    QTest::newRow("500 api_error")
        << 500 << fixture(u"error_500_api_error.composed.json"_s) << 500 << u"server_error"_s
        << QString() << u"Internal server error"_s << u"req_011CApiErr0r000000000001"_s << true;
    QTest::newRow("529 overloaded_error -> 503 (gateway choice)")
        << 529 << fixture(u"error_529_overloaded.json"_s) << 503 << u"server_error"_s
        << u"overloaded"_s << u"Overloaded"_s << QString() << true;
    QTest::newRow("504 timeout_error")
        << 504 << body("timeout_error", "Request timed out") << 504 << u"server_error"_s
        << u"upstream_timeout"_s << u"Request timed out"_s << QString() << true;
    QTest::newRow("unknown type keeps the status")
        << 402 << body("billing_error", "Add credits") << 402 << u"billing_error"_s << QString()
        << u"Add credits"_s << QString() << false;
    QTest::newRow("HTML from a proxy")
        << 502 << "<html><body>Bad Gateway</body></html>"_ba << 502 << u"upstream_error"_s
        << QString() << u"the provider answered HTTP 502"_s << QString() << true;
    QTest::newRow("bare 529, no body")
        << 529 << QByteArray() << 503 << u"upstream_error"_s << QString()
        << u"the provider answered HTTP 529"_s << QString() << true;
    QTest::newRow("404 without body")
        << 404 << QByteArray() << 404 << u"invalid_request_error"_s << QString()
        << u"the provider answered HTTP 404"_s << QString() << false;
}

void TestAnthropicAdapter::errorMapping()
{
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, type);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(QString, requestId);
    QFETCH(bool, retryable);

    AnthropicAdapter adapter;
    const ApiError error = adapter.mapError(httpStatus, body, "application/json"_ba);
    QCOMPARE(error.status, status);
    QCOMPARE(error.type, type);
    QCOMPARE(error.code, code);
    QVERIFY2(error.message.startsWith(message), qPrintable(error.message));
    if (!requestId.isEmpty())
        QVERIFY2(error.message.endsWith(u" (request_id: %1)"_s.arg(requestId)),
                 qPrintable(error.message));
    else
        QVERIFY(!error.message.contains(u"request_id"_s));
    QCOMPARE(error.retryable, retryable);
    // The client speaks OpenAI: the gateway renders these fields, never Anthropic's body.
    QVERIFY(error.upstreamBody.isEmpty());
}

void TestAnthropicAdapter::modelList()
{
    AnthropicAdapter adapter;
    const ModelListResult list = adapter.decodeModelList(fixture(u"models_list.composed.json"_s));
    QVERIFY(!list.error);
    QCOMPARE(list.models, (QStringList{u"claude-opus-4-6"_s, u"claude-haiku-4-5-20251001"_s}));

    const ModelListResult broken = adapter.decodeModelList("<html>"_ba);
    QVERIFY(broken.error);
    QCOMPARE(broken.error->status, 502);
    QVERIFY(adapter.decodeModelList(R"({"data":"nope"})"_ba).error);
}

QTEST_GUILESS_MAIN(TestAnthropicAdapter)
#include "tst_anthropic_adapter.moc"
