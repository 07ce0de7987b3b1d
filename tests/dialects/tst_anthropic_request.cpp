// The Anthropic Messages dialect's request side: Anthropic request bodies decoded into
// the OpenAI Chat body the relay takes. Golden checks on the decoded body (recorded and
// hand-written requests), a round trip through the anthropic adapter's own request
// builder (decode, then OpenAI Chat -> Anthropic must give back the original on the
// fields that survive), and error rows.

#include "anthropic/AnthropicRequest.h"
#include "anthropic/AnthropicToolIds.h"
#include "dialects/AnthropicRequestDecoder.h"
#include "openai/OpenAiChatCodec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString &path)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(path));
    return file.readAll();
}

QByteArray bytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject parse(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

// --- normalisation: what must survive an Anthropic -> OpenAI -> Anthropic round trip ---

QJsonObject keep(const QJsonObject &object, const QStringList &keys)
{
    QJsonObject out;
    for (const QString &key : keys) {
        if (object.contains(key))
            out.insert(key, object.value(key));
    }
    return out;
}

QJsonArray asBlocks(const QJsonValue &content)
{
    if (content.isString())
        return QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, content}}};
    return content.toArray();
}

QJsonObject normalBlock(const QJsonObject &block)
{
    const QString type = block.value("type"_L1).toString();
    if (type == "text"_L1)
        return keep(block, {u"type"_s, u"text"_s, u"cache_control"_s});
    if (type == "image"_L1)
        return keep(block, {u"type"_s, u"source"_s, u"cache_control"_s});
    if (type == "tool_use"_L1)
        return keep(block, {u"type"_s, u"id"_s, u"name"_s, u"input"_s});
    if (type == "thinking"_L1)
        return keep(block, {u"type"_s, u"thinking"_s, u"signature"_s});
    if (type == "redacted_thinking"_L1)
        return keep(block, {u"type"_s, u"data"_s});
    if (type == "tool_result"_L1) {
        QJsonObject out = keep(block, {u"type"_s, u"tool_use_id"_s, u"cache_control"_s});
        QStringList texts;
        for (const QJsonValue &inner : asBlocks(block.value("content"_L1)))
            texts.append(inner.toObject().value("text"_L1).toString());
        if (!texts.join(u'\n').isEmpty())
            out.insert("content"_L1, texts.join(u'\n'));
        return out;
    }
    return block;
}

QJsonObject normalise(const QJsonObject &request)
{
    QJsonObject out = keep(request, {u"model"_s, u"max_tokens"_s, u"stop_sequences"_s, u"temperature"_s,
                                     u"top_p"_s, u"top_k"_s, u"thinking"_s, u"tool_choice"_s, u"metadata"_s});
    if (out.value("thinking"_L1).toObject().value("type"_L1).toString() == "disabled"_L1)
        out.remove("thinking"_L1);
    if (out.value("tool_choice"_L1).toObject().value("type"_L1).toString() == "auto"_L1 &&
        !out.value("tool_choice"_L1).toObject().contains("disable_parallel_tool_use"_L1))
        out.remove("tool_choice"_L1);  // Anthropic's default either way
    if (request.contains("system"_L1)) {
        const QJsonArray blocks = asBlocks(request.value("system"_L1));
        bool cached = false;
        QStringList texts;
        QJsonArray kept;
        for (const QJsonValue &block : blocks) {
            cached = cached || block.toObject().contains("cache_control"_L1);
            texts.append(block.toObject().value("text"_L1).toString());
            kept.append(normalBlock(block.toObject()));
        }
        out.insert("system"_L1, cached ? QJsonValue(kept) : QJsonValue(texts.join(u'\n')));
    }
    QJsonArray messages;
    for (const QJsonValue &value : request.value("messages"_L1).toArray()) {
        QJsonArray blocks;
        for (const QJsonValue &block : asBlocks(value.toObject().value("content"_L1)))
            blocks.append(normalBlock(block.toObject()));
        messages.append(QJsonObject{{"role"_L1, value.toObject().value("role"_L1)}, {"content"_L1, blocks}});
    }
    out.insert("messages"_L1, messages);
    QJsonArray tools;
    for (const QJsonValue &tool : request.value("tools"_L1).toArray())
        tools.append(keep(tool.toObject(), {u"name"_s, u"description"_s, u"input_schema"_s}));
    if (!tools.isEmpty())
        out.insert("tools"_L1, tools);
    return out;
}

ChatEnvelope decoded(const QByteArray &body)
{
    auto result = AnthropicRequestDecoder::decode(body);
    if (const ApiError *error = std::get_if<ApiError>(&result))
        qFatal("decode failed: %s", qPrintable(error->message));
    return std::get<ChatEnvelope>(result);
}

// The decoded body through the anthropic adapter's own builder, as AnthropicAdapter does.
QJsonObject rebuilt(const ChatEnvelope &envelope)
{
    auto request = decodeOpenAiChatRequest(envelope.body);
    if (const ApiError *error = std::get_if<ApiError>(&request))
        qFatal("OpenAI codec refused the decoded body: %s", qPrintable(error->message));
    canonical::Request chat = std::get<canonical::Request>(request);
    anthropic::joinStreamedThinking(envelope.body.value("messages"_L1).toArray(), chat);
    auto body = anthropic::buildMessagesBody(chat, envelope.model, envelope.stream);
    if (const ApiError *error = std::get_if<ApiError>(&body))
        qFatal("builder refused the decoded request: %s", qPrintable(error->message));
    return std::get<QJsonObject>(body);
}

// --- hand-written requests -----------------------------------------------------------

QJsonObject toolSchema()
{
    return QJsonObject{{"type"_L1, "object"_L1},
                       {"properties"_L1, QJsonObject{{"path"_L1, QJsonObject{{"type"_L1, "string"_L1}}}}},
                       {"required"_L1, QJsonArray{u"path"_s}}};
}

// A two-turn tool conversation with signed thinking, a redacted block, an id another
// provider minted (encoded by the adapter), cache_control, and an error result.
QJsonObject toolConversation()
{
    const QString foreignId = anthropic::toAnthropicToolId(u"functions.read:0"_s);
    return QJsonObject{
        {"model"_L1, "claude-sonnet-4-5"_L1},
        {"max_tokens"_L1, 32000},
        {"system"_L1, QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "You are Claude Code."_L1}},
                                 QJsonObject{{"type"_L1, "text"_L1},
                                             {"text"_L1, "Project rules."_L1},
                                             {"cache_control"_L1, QJsonObject{{"type"_L1, "ephemeral"_L1}}}}}},
        {"thinking"_L1, QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, 4096}}},
        {"messages"_L1,
         QJsonArray{
             QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Read a.txt and b.txt"_L1}},
             QJsonObject{{"role"_L1, "assistant"_L1},
                         {"content"_L1,
                          QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                                 {"thinking"_L1, "I should read both."_L1},
                                                 {"signature"_L1, "c2lnbmF0dXJl"_L1}},
                                     QJsonObject{{"type"_L1, "redacted_thinking"_L1}, {"data"_L1, "cmVkYWN0ZWQ="_L1}},
                                     QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Reading."_L1}},
                                     QJsonObject{{"type"_L1, "tool_use"_L1},
                                                 {"id"_L1, "toolu_01A"_L1},
                                                 {"name"_L1, "read"_L1},
                                                 {"input"_L1, QJsonObject{{"path"_L1, "a.txt"_L1}}}},
                                     QJsonObject{{"type"_L1, "tool_use"_L1},
                                                 {"id"_L1, foreignId},
                                                 {"name"_L1, "read"_L1},
                                                 {"input"_L1, QJsonObject{{"path"_L1, "b.txt"_L1}}}}}}},
             QJsonObject{{"role"_L1, "user"_L1},
                         {"content"_L1,
                          QJsonArray{QJsonObject{{"type"_L1, "tool_result"_L1},
                                                 {"tool_use_id"_L1, "toolu_01A"_L1},
                                                 {"content"_L1,
                                                  QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "line 1"_L1}},
                                                             QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "line 2"_L1}}}},
                                                 {"cache_control"_L1, QJsonObject{{"type"_L1, "ephemeral"_L1}}}},
                                     QJsonObject{{"type"_L1, "tool_result"_L1},
                                                 {"tool_use_id"_L1, foreignId},
                                                 {"content"_L1, "b.txt"_L1}},
                                     QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Now summarise."_L1}}}}}}},
        {"tools"_L1, QJsonArray{QJsonObject{{"name"_L1, "read"_L1},
                                            {"description"_L1, "Read a file"_L1},
                                            {"input_schema"_L1, toolSchema()}}}},
        {"tool_choice"_L1, QJsonObject{{"type"_L1, "any"_L1}, {"disable_parallel_tool_use"_L1, true}}},
        {"stop_sequences"_L1, QJsonArray{u"\n\nHuman:"_s}},
        {"metadata"_L1, QJsonObject{{"user_id"_L1, "user_abc_account__session_123"_L1}}},
        {"stream"_L1, true}};
}

// Sampling without thinking (the builder drops sampling when thinking is on).
QJsonObject samplingRequest()
{
    return QJsonObject{
        {"model"_L1, "claude-haiku-4-5"_L1},
        {"max_tokens"_L1, 512},
        {"system"_L1, "Be brief."_L1},
        {"temperature"_L1, 0.5},
        {"top_p"_L1, 0.9},
        {"top_k"_L1, 40},
        {"thinking"_L1, QJsonObject{{"type"_L1, "disabled"_L1}}},
        {"messages"_L1,
         QJsonArray{QJsonObject{{"role"_L1, "user"_L1},
                                {"content"_L1,
                                 QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Hi"_L1}},
                                            QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "there"_L1}}}}},
                    QJsonObject{{"role"_L1, "assistant"_L1}, {"content"_L1, "Hello."_L1}},
                    QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Bye"_L1}}}},
        {"tools"_L1, QJsonArray{QJsonObject{{"name"_L1, "noop"_L1}, {"input_schema"_L1, toolSchema()}}}},
        {"tool_choice"_L1, QJsonObject{{"type"_L1, "tool"_L1}, {"name"_L1, "noop"_L1}}}};
}

// What Claude Code 2.1 sends besides the conversation.
QJsonObject claudeCodeRequest()
{
    return QJsonObject{
        {"model"_L1, "my-local-model"_L1},
        {"max_tokens"_L1, 32000},
        {"stream"_L1, true},
        {"thinking"_L1, QJsonObject{{"type"_L1, "adaptive"_L1}}},
        {"output_config"_L1, QJsonObject{{"effort"_L1, "medium"_L1}}},
        {"context_management"_L1, QJsonObject{{"edits"_L1, QJsonArray{QJsonObject{{"type"_L1, "clear_thinking_20251015"_L1}}}}}},
        {"container"_L1, "c1"_L1},
        {"mcp_servers"_L1, QJsonArray{}},
        {"service_tier"_L1, "auto"_L1},
        {"some_future_field"_L1, 1},
        {"metadata"_L1, QJsonObject{{"user_id"_L1, "u1"_L1}}},
        {"system"_L1, QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "x-anthropic-billing-header: cc"_L1}},
                                 QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "You are Claude Code."_L1}}}},
        {"messages"_L1,
         QJsonArray{QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, "Model notes."_L1}},
                    QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "hi"_L1}}}},
        {"tools"_L1,
         QJsonArray{QJsonObject{{"name"_L1, "Bash"_L1}, {"description"_L1, "Run"_L1}, {"input_schema"_L1, toolSchema()}},
                    QJsonObject{{"name"_L1, "Deferred"_L1},
                                {"input_schema"_L1, toolSchema()},
                                {"defer_loading"_L1, true}},
                    QJsonObject{{"type"_L1, "web_search_20250305"_L1}, {"name"_L1, "web_search"_L1}, {"max_uses"_L1, 5}},
                    QJsonObject{{"type"_L1, "custom"_L1}, {"name"_L1, "Typed"_L1}, {"input_schema"_L1, toolSchema()}}}}};
}

} // namespace

class TestAnthropicRequest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void roundTrip_data();
    void roundTrip();
    void toolConversationGolden();
    void claudeCodeGolden();
    void imagesAndToolResultImages();
    void thinkingEffort_data();
    void thinkingEffort();
    void toolChoice_data();
    void toolChoice();
    void serverToolsOnlyDropToolChoice();
    void errors_data();
    void errors();
};

void TestAnthropicRequest::fixtures_data()
{
    QTest::addColumn<QString>("path");
    for (const char *name : {"messages_request_system_tools_image.composed.json", "messages_request_tool_result_recorded.json",
                             "messages_request_tool_result_turn_recorded.json", "messages_request_tools_recorded.json",
                             "messages_stream_thinking_docs.request.json", "messages_stream_tool_use_recorded.request.json"})
        QTest::newRow(name) << (u"anthropic/"_s + QLatin1String(name));
}

// Every recorded request decodes, the OpenAI codec accepts the result, and the
// anthropic adapter rebuilds the original from it.
void TestAnthropicRequest::fixtures()
{
    QFETCH(QString, path);
    const QByteArray body = fixture(path);
    const QJsonObject original = parse(body);
    const ChatEnvelope envelope = decoded(body);
    QCOMPARE(envelope.model, original.value("model"_L1).toString());
    QCOMPARE(envelope.stream, original.value("stream"_L1).toBool());
    QCOMPARE(envelope.includeUsage, envelope.stream);
    QCOMPARE(envelope.body.value("max_tokens"_L1), original.value("max_tokens"_L1));
    QCOMPARE(envelope.body.value("stream_options"_L1).toObject().value("include_usage"_L1).toBool(), envelope.stream);
    QCOMPARE(normalise(rebuilt(envelope)), normalise(original));
}

void TestAnthropicRequest::roundTrip_data()
{
    QTest::addColumn<QJsonObject>("request");
    QTest::newRow("tool conversation") << toolConversation();
    QTest::newRow("sampling") << samplingRequest();
}

void TestAnthropicRequest::roundTrip()
{
    QFETCH(QJsonObject, request);
    QCOMPARE(normalise(rebuilt(decoded(bytes(request)))), normalise(request));
}

void TestAnthropicRequest::toolConversationGolden()
{
    const ChatEnvelope envelope = decoded(bytes(toolConversation()));
    const QJsonObject body = envelope.body;
    QVERIFY(envelope.stream);
    QVERIFY(envelope.includeUsage);
    QCOMPARE(body.value("max_tokens"_L1).toInteger(), 32000);
    QCOMPARE(body.value("reasoning_effort"_L1).toString(), u"medium"_s);
    QCOMPARE(body.value("thinking"_L1).toObject().value("budget_tokens"_L1).toInteger(), 4096);
    QCOMPARE(body.value("user"_L1).toString(), u"user_abc_account__session_123"_s);
    QCOMPARE(body.value("stop"_L1).toArray(), QJsonArray{u"\n\nHuman:"_s});
    QCOMPARE(body.value("tool_choice"_L1).toString(), u"required"_s);
    QCOMPARE(body.value("parallel_tool_calls"_L1), QJsonValue(false));
    const QJsonObject function = body.value("tools"_L1).toArray().first().toObject().value("function"_L1).toObject();
    QCOMPARE(function.value("parameters"_L1).toObject(), toolSchema());
    QCOMPARE(function.value("description"_L1).toString(), u"Read a file"_s);

    const QJsonArray messages = body.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 6);  // system, user, assistant, tool, tool, user
    const QJsonObject system = messages.at(0).toObject();
    QCOMPARE(system.value("role"_L1).toString(), u"system"_s);
    QCOMPARE(system.value("content"_L1).toArray().size(), 2);
    QVERIFY(system.value("content"_L1).toArray().at(1).toObject().contains("cache_control"_L1));

    const QJsonObject assistant = messages.at(2).toObject();
    QCOMPARE(assistant.value("content"_L1).toString(), u"Reading."_s);
    const QJsonArray thinking = assistant.value("thinking_blocks"_L1).toArray();
    QCOMPARE(thinking.size(), 2);
    QCOMPARE(thinking.at(0).toObject().value("signature"_L1).toString(), u"c2lnbmF0dXJl"_s);
    QCOMPARE(thinking.at(1).toObject().value("type"_L1).toString(), u"redacted_thinking"_s);
    const QJsonArray calls = assistant.value("tool_calls"_L1).toArray();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).toObject().value("id"_L1).toString(), u"toolu_01A"_s);
    QCOMPARE(calls.at(1).toObject().value("id"_L1).toString(), u"functions.read:0"_s);  // the client's own id again
    QCOMPARE(calls.at(0).toObject().value("function"_L1).toObject().value("arguments"_L1).toString(),
             uR"({"path":"a.txt"})"_s);

    const QJsonObject first = messages.at(3).toObject();
    QCOMPARE(first.value("role"_L1).toString(), u"tool"_s);
    QCOMPARE(first.value("tool_call_id"_L1).toString(), u"toolu_01A"_s);
    const QJsonObject cachedPart = first.value("content"_L1).toArray().first().toObject();
    QCOMPARE(cachedPart.value("text"_L1).toString(), u"line 1\nline 2"_s);
    QVERIFY(cachedPart.contains("cache_control"_L1));
    QCOMPARE(messages.at(4).toObject().value("tool_call_id"_L1).toString(), u"functions.read:0"_s);
    QCOMPARE(messages.at(4).toObject().value("content"_L1).toString(), u"b.txt"_s);
    QCOMPARE(messages.at(5).toObject(),
             (QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "Now summarise."_L1}}));
}

void TestAnthropicRequest::claudeCodeGolden()
{
    const ChatEnvelope envelope = decoded(bytes(claudeCodeRequest()));
    const QJsonObject body = envelope.body;
    QCOMPARE(envelope.model, u"my-local-model"_s);
    QCOMPARE(body.value("reasoning_effort"_L1).toString(), u"medium"_s);
    QVERIFY(!body.contains("thinking"_L1));
    for (const char *dropped : {"context_management", "container", "mcp_servers", "service_tier", "some_future_field",
                                "output_config", "metadata"})
        QVERIFY2(!body.contains(QLatin1String(dropped)), dropped);
    QCOMPARE(body.value("user"_L1).toString(), u"u1"_s);
    const QJsonArray messages = body.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages.at(0).toObject().value("role"_L1).toString(), u"system"_s);
    QCOMPARE(messages.at(0).toObject().value("content"_L1).toArray().size(), 2);
    QCOMPARE(messages.at(1).toObject(), (QJsonObject{{"role"_L1, "system"_L1}, {"content"_L1, "Model notes."_L1}}));
    QCOMPARE(messages.at(2).toObject(), (QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "hi"_L1}}));
    const QJsonArray tools = body.value("tools"_L1).toArray();
    QStringList names;
    for (const QJsonValue &tool : tools)
        names.append(tool.toObject().value("function"_L1).toObject().value("name"_L1).toString());
    QCOMPARE(names, (QStringList{u"Bash"_s, u"Deferred"_s, u"Typed"_s}));
    // The OpenAI codec (every translating adapter's entry) takes the body as it is.
    QVERIFY(std::holds_alternative<canonical::Request>(decodeOpenAiChatRequest(body)));
}

void TestAnthropicRequest::imagesAndToolResultImages()
{
    const QJsonObject png{{"type"_L1, "base64"_L1}, {"media_type"_L1, "image/png"_L1}, {"data"_L1, "iVBORw0KGgo="_L1}};
    const QJsonObject request{
        {"model"_L1, "m"_L1},
        {"max_tokens"_L1, 100},
        {"messages"_L1,
         QJsonArray{QJsonObject{{"role"_L1, "assistant"_L1},
                                {"content"_L1, QJsonArray{QJsonObject{{"type"_L1, "tool_use"_L1},
                                                                      {"id"_L1, "toolu_1"_L1},
                                                                      {"name"_L1, "shot"_L1},
                                                                      {"input"_L1, QJsonObject{}}}}}},
                    QJsonObject{{"role"_L1, "user"_L1},
                                {"content"_L1,
                                 QJsonArray{QJsonObject{{"type"_L1, "tool_result"_L1},
                                                        {"tool_use_id"_L1, "toolu_1"_L1},
                                                        {"is_error"_L1, true},
                                                        {"content"_L1,
                                                         QJsonArray{QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "partial"_L1}},
                                                                    QJsonObject{{"type"_L1, "image"_L1}, {"source"_L1, png}}}}},
                                            QJsonObject{{"type"_L1, "image"_L1},
                                                        {"source"_L1, QJsonObject{{"type"_L1, "url"_L1},
                                                                                  {"url"_L1, "https://example.com/a.jpg"_L1}}}},
                                            QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What now?"_L1}}}}}}}};
    const QJsonArray messages = decoded(bytes(request)).body.value("messages"_L1).toArray();
    QCOMPARE(messages.size(), 3);
    const QJsonObject call = messages.at(0).toObject().value("tool_calls"_L1).toArray().first().toObject();
    QCOMPARE(call.value("function"_L1).toObject().value("arguments"_L1).toString(), u"{}"_s);
    QVERIFY(messages.at(0).toObject().value("content"_L1).isNull());
    QCOMPARE(messages.at(1).toObject(), (QJsonObject{{"role"_L1, "tool"_L1},
                                                     {"tool_call_id"_L1, "toolu_1"_L1},
                                                     {"content"_L1, "Error: partial"_L1}}));
    const QJsonArray parts = messages.at(2).toObject().value("content"_L1).toArray();
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts.at(0).toObject().value("image_url"_L1).toObject().value("url"_L1).toString(),
             u"data:image/png;base64,iVBORw0KGgo="_s);
    QCOMPARE(parts.at(1).toObject().value("image_url"_L1).toObject().value("url"_L1).toString(),
             u"https://example.com/a.jpg"_s);
    QCOMPARE(parts.at(2).toObject(), (QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "What now?"_L1}}));
}

void TestAnthropicRequest::thinkingEffort_data()
{
    QTest::addColumn<QJsonObject>("fields");
    QTest::addColumn<QString>("effort");
    QTest::addColumn<qint64>("budget");  // -1: no thinking.budget_tokens in the body
    const auto enabled = [](int budget) {
        return QJsonObject{{"thinking"_L1, QJsonObject{{"type"_L1, "enabled"_L1}, {"budget_tokens"_L1, budget}}}};
    };
    QTest::newRow("1024 low") << enabled(1024) << u"low"_s << qint64(1024);
    QTest::newRow("2048 low") << enabled(2048) << u"low"_s << qint64(2048);
    QTest::newRow("2049 medium") << enabled(2049) << u"medium"_s << qint64(2049);
    QTest::newRow("8192 medium") << enabled(8192) << u"medium"_s << qint64(8192);
    QTest::newRow("16000 high") << enabled(16000) << u"high"_s << qint64(16000);
    QTest::newRow("disabled") << QJsonObject{{"thinking"_L1, QJsonObject{{"type"_L1, "disabled"_L1}}}} << QString() << qint64(-1);
    QTest::newRow("adaptive default") << QJsonObject{{"thinking"_L1, QJsonObject{{"type"_L1, "adaptive"_L1}}}}
                                      << u"high"_s << qint64(-1);
    QTest::newRow("adaptive low") << QJsonObject{{"thinking"_L1, QJsonObject{{"type"_L1, "adaptive"_L1}}},
                                                 {"output_config"_L1, QJsonObject{{"effort"_L1, "low"_L1}}}}
                                  << u"low"_s << qint64(-1);
    QTest::newRow("effort only max") << QJsonObject{{"output_config"_L1, QJsonObject{{"effort"_L1, "max"_L1}}}}
                                     << u"xhigh"_s << qint64(-1);
    QTest::newRow("nothing") << QJsonObject{} << QString() << qint64(-1);
}

void TestAnthropicRequest::thinkingEffort()
{
    QFETCH(QJsonObject, fields);
    QFETCH(QString, effort);
    QFETCH(qint64, budget);
    QJsonObject request{{"model"_L1, "m"_L1}, {"max_tokens"_L1, 20000},
                        {"messages"_L1, QJsonArray{QJsonObject{{"role"_L1, "user"_L1}, {"content"_L1, "q"_L1}}}}};
    for (auto it = fields.begin(); it != fields.end(); ++it)
        request.insert(it.key(), it.value());
    const QJsonObject body = decoded(bytes(request)).body;
    QCOMPARE(body.value("reasoning_effort"_L1).toString(), effort);
    QCOMPARE(body.contains("thinking"_L1), budget >= 0);
    if (budget >= 0)
        QCOMPARE(body.value("thinking"_L1).toObject().value("budget_tokens"_L1).toInteger(), budget);
}

void TestAnthropicRequest::toolChoice_data()
{
    QTest::addColumn<QJsonObject>("choice");
    QTest::addColumn<QJsonValue>("expected");
    QTest::addColumn<bool>("serial");
    QTest::newRow("auto") << QJsonObject{{"type"_L1, "auto"_L1}} << QJsonValue(u"auto"_s) << false;
    QTest::newRow("any") << QJsonObject{{"type"_L1, "any"_L1}} << QJsonValue(u"required"_s) << false;
    QTest::newRow("none") << QJsonObject{{"type"_L1, "none"_L1}} << QJsonValue(u"none"_s) << false;
    QTest::newRow("tool") << QJsonObject{{"type"_L1, "tool"_L1}, {"name"_L1, "noop"_L1}}
                          << QJsonValue(QJsonObject{{"type"_L1, "function"_L1},
                                                    {"function"_L1, QJsonObject{{"name"_L1, "noop"_L1}}}})
                          << false;
    QTest::newRow("auto serial") << QJsonObject{{"type"_L1, "auto"_L1}, {"disable_parallel_tool_use"_L1, true}}
                                 << QJsonValue(u"auto"_s) << true;
}

void TestAnthropicRequest::toolChoice()
{
    QFETCH(QJsonObject, choice);
    QFETCH(QJsonValue, expected);
    QFETCH(bool, serial);
    QJsonObject request = samplingRequest();
    request.insert("tool_choice"_L1, choice);
    const QJsonObject body = decoded(bytes(request)).body;
    QCOMPARE(body.value("tool_choice"_L1), expected);
    QCOMPARE(body.contains("parallel_tool_calls"_L1), serial);
    // And back: the adapter's builder gives the client's tool_choice again.
    if (choice.value("type"_L1).toString() != "auto"_L1 || serial)
        QCOMPARE(rebuilt(decoded(bytes(request))).value("tool_choice"_L1).toObject(), choice);
}

void TestAnthropicRequest::serverToolsOnlyDropToolChoice()
{
    QJsonObject request = samplingRequest();
    request.insert("tools"_L1, QJsonArray{QJsonObject{{"type"_L1, "web_search_20250305"_L1}, {"name"_L1, "web_search"_L1}}});
    request.insert("tool_choice"_L1, QJsonObject{{"type"_L1, "any"_L1}});
    const QJsonObject body = decoded(bytes(request)).body;
    QVERIFY(!body.contains("tools"_L1));
    QVERIFY(!body.contains("tool_choice"_L1));
}

void TestAnthropicRequest::errors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("message");
    const QByteArray messages = R"("messages":[{"role":"user","content":"hi"}])";
    QTest::newRow("invalid json") << QByteArray("{\"model\":") << QString() << u"error parsing the body"_s;
    QTest::newRow("array body") << QByteArray("[1]") << QString() << u"must be a JSON object"_s;
    QTest::newRow("no model") << QByteArray("{\"max_tokens\":1," + messages + "}") << u"model"_s << u"model: Field required"_s;
    QTest::newRow("model number") << QByteArray("{\"model\":3,\"max_tokens\":1," + messages + "}") << u"model"_s
                                  << u"model: Input should be"_s;
    QTest::newRow("no max_tokens") << QByteArray("{\"model\":\"m\"," + messages + "}") << u"max_tokens"_s
                                   << u"max_tokens: Field required"_s;
    QTest::newRow("max_tokens string") << QByteArray("{\"model\":\"m\",\"max_tokens\":\"1\"," + messages + "}")
                                       << u"max_tokens"_s << u"max_tokens: Input should be a valid integer"_s;
    QTest::newRow("no messages") << QByteArray(R"({"model":"m","max_tokens":1})") << u"messages"_s
                                 << u"messages: Field required"_s;
    QTest::newRow("messages object") << QByteArray(R"({"model":"m","max_tokens":1,"messages":{}})") << u"messages"_s
                                     << u"messages: Input should be a valid list"_s;
    QTest::newRow("messages empty") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[]})") << u"messages"_s
                                    << u"messages: at least one message"_s;
    QTest::newRow("bad role") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[{"role":"bot","content":"x"}]})")
                              << u"messages.0.role"_s << u"messages.0.role: Input should be 'user' or 'assistant'"_s;
    QTest::newRow("content number") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":1}]})")
                                    << u"messages.0.content"_s << u"messages.0.content: Input should be"_s;
    QTest::newRow("unknown block") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"video"}]}]})")
                                   << u"messages.0.content.0.type"_s << u"'video'"_s;
    QTest::newRow("tool_use no id") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","name":"f","input":{}}]}]})")
                                    << u"messages.0.content.0.id"_s << u"Field required"_s;
    QTest::newRow("tool_result no id") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]})")
                                       << u"messages.0.content.0.tool_use_id"_s << u"Field required"_s;
    QTest::newRow("system number") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"system\":5," + messages + "}")
                                   << u"system"_s << u"system: Input should be"_s;
    QTest::newRow("stream string") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"stream\":\"yes\"," + messages + "}")
                                   << u"stream"_s << u"stream: Input should be a valid boolean"_s;
    QTest::newRow("tools object") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"tools\":{}," + messages + "}")
                                  << u"tools"_s << u"tools: Input should be a valid list"_s;
    QTest::newRow("tool no schema") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"tools\":[{\"name\":\"f\"}]," + messages + "}")
                                    << u"tools.0.input_schema"_s << u"Field required"_s;
    QTest::newRow("tool_choice tag") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"tool_choice\":{\"type\":\"some\"}," + messages + "}")
                                     << u"tool_choice.type"_s << u"'auto', 'any', 'tool', 'none'"_s;
    QTest::newRow("tool_choice no name") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"tool_choice\":{\"type\":\"tool\"}," + messages + "}")
                                         << u"tool_choice.name"_s << u"Field required"_s;
    QTest::newRow("stop string") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"stop_sequences\":\"x\"," + messages + "}")
                                 << u"stop_sequences"_s << u"valid list"_s;
    QTest::newRow("temperature string") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"temperature\":\"hot\"," + messages + "}")
                                        << u"temperature"_s << u"valid number"_s;
    QTest::newRow("budget missing") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"thinking\":{\"type\":\"enabled\"}," + messages + "}")
                                    << u"thinking.enabled.budget_tokens"_s << u"Field required"_s;
    QTest::newRow("thinking tag") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"thinking\":{\"type\":\"on\"}," + messages + "}")
                                  << u"thinking.type"_s << u"'enabled', 'disabled', 'adaptive'"_s;
    QTest::newRow("effort unknown") << QByteArray("{\"model\":\"m\",\"max_tokens\":1,\"output_config\":{\"effort\":\"huge\"}," + messages + "}")
                                    << u"output_config.effort"_s << u"'max'"_s;
    QTest::newRow("image source") << QByteArray(R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]})")
                                  << u"messages.0.content.0.source.type"_s << u"'file'"_s;
}

void TestAnthropicRequest::errors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    QFETCH(QString, message);
    const auto result = AnthropicRequestDecoder::decode(body);
    // What only the translation cannot express (a block type, an image source) is no
    // error for a provider that speaks Anthropic: the envelope keeps the body for it and
    // says why it cannot be translated.
    const QByteArrayView tag(QTest::currentDataTag());
    const bool translationOnly = tag == "unknown block" || tag == "image source";
    QCOMPARE(std::holds_alternative<ApiError>(result), !translationOnly);
    ApiError error;
    if (translationOnly) {
        const ChatEnvelope &envelope = std::get<ChatEnvelope>(result);
        QVERIFY(envelope.untranslatable);
        QCOMPARE(envelope.native, QJsonDocument::fromJson(body).object());
        QVERIFY(envelope.body.isEmpty() || !envelope.body.contains("messages"_L1));
        error = *envelope.untranslatable;
    } else {
        error = std::get<ApiError>(result);
    }
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
}

QTEST_GUILESS_MAIN(TestAnthropicRequest)
#include "tst_anthropic_request.moc"
