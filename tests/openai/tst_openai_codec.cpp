// The shared OpenAI Chat codec and stream encoder that every translating adapter relies
// on: decodeOpenAiChatRequest on the spec's request examples and on every way a request
// can be refused, encodeOpenAiChatResponse's shape, and OpenAiStreamEncoder's ordering.

#include "openai/OpenAiChatCodec.h"
#include "openai/OpenAiStreamEncoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

QJsonObject fixture(const QString &name)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/openai/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return jsonOf(file.readAll());
}

canonical::Request decoded(const QJsonObject &body)
{
    auto result = decodeOpenAiChatRequest(body);
    if (const ApiError *error = std::get_if<ApiError>(&result))
        qFatal("unexpected 400: %s (%s)", qPrintable(error->message), qPrintable(error->param));
    return std::get<canonical::Request>(result);
}

QJsonObject user(const QJsonValue &content)
{
    return {{u"role"_s, u"user"_s}, {u"content"_s, content}};
}

QJsonObject withMessages(const QJsonArray &messages)
{
    return {{u"model"_s, u"m"_s}, {u"messages"_s, messages}};
}

QJsonObject toolCall(const QString &id, const QString &name, const QJsonValue &arguments = u"{}"_s)
{
    return {{u"id"_s, id},
            {u"type"_s, u"function"_s},
            {u"function"_s, QJsonObject{{u"name"_s, name}, {u"arguments"_s, arguments}}}};
}

QJsonObject assistantCalling(const QJsonArray &calls)
{
    return {{u"role"_s, u"assistant"_s}, {u"content"_s, QJsonValue::Null}, {u"tool_calls"_s, calls}};
}

QJsonObject toolResult(const QString &id, const QString &content = u"ok"_s)
{
    return {{u"role"_s, u"tool"_s}, {u"tool_call_id"_s, id}, {u"content"_s, content}};
}

// What an encoder hands the gateway.
struct RecordingSink final : ChatStreamSink {
    QList<QJsonObject> chunks;
    QList<bool> contentFlags;
    QList<TokenUsage> usages;
    QByteArray terminator;
    bool completed = false;

    void streamFrame(const QByteArray &frame, bool content) override
    {
        QVERIFY(!completed);
        QVERIFY(frame.startsWith("data: {"));
        QVERIFY(frame.endsWith("}\n\n"));
        chunks.append(jsonOf(frame.mid(6)));
        contentFlags.append(content);
    }
    void streamUsage(const TokenUsage &usage) override { usages.append(usage); }
    void streamCompleted(const QByteArray &t) override
    {
        QVERIFY(!completed);
        completed = true;
        terminator = t;
    }
    void streamFailed(const ApiError &) override { QFAIL("an encoder never fails a stream"); }
};

QJsonObject choiceOf(const QJsonObject &chunk)
{
    return chunk.value(u"choices"_s).toArray().at(0).toObject();
}

QJsonObject deltaOf(const QJsonObject &chunk)
{
    return choiceOf(chunk).value(u"delta"_s).toObject();
}

canonical::StreamEvent makeEvent(canonical::StreamEvent::Kind kind)
{
    canonical::StreamEvent e;
    e.kind = kind;
    return e;
}

canonical::StreamEvent start(const QString &id, const QString &model, qint64 created)
{
    auto e = makeEvent(canonical::StreamEvent::Kind::Start);
    e.id = id;
    e.model = model;
    e.created = created;
    return e;
}

canonical::StreamEvent text(const QString &value)
{
    auto e = makeEvent(canonical::StreamEvent::Kind::TextDelta);
    e.text = value;
    return e;
}

canonical::StreamEvent toolStart(int index, const QString &id, const QString &name, const QString &arguments = {})
{
    auto e = makeEvent(canonical::StreamEvent::Kind::ToolCallStart);
    e.index = index;
    e.id = id;
    e.name = name;
    e.arguments = arguments;
    return e;
}

canonical::StreamEvent toolDelta(int index, const QString &arguments)
{
    auto e = makeEvent(canonical::StreamEvent::Kind::ToolCallDelta);
    e.index = index;
    e.arguments = arguments;
    return e;
}

canonical::StreamEvent finish(const QString &reason)
{
    auto e = makeEvent(canonical::StreamEvent::Kind::Finish);
    e.finishReason = reason;
    return e;
}

canonical::StreamEvent usage(qint64 prompt, qint64 completion)
{
    auto e = makeEvent(canonical::StreamEvent::Kind::Usage);
    e.usage.prompt = prompt;
    e.usage.completion = completion;
    e.usage.known = true;
    return e;
}

RecordingSink encode(const QList<canonical::StreamEvent> &events, bool includeUsage, bool complete = true)
{
    OpenAiStreamEncoder encoder(u"fallback-model"_s, includeUsage);
    RecordingSink sink;
    for (const canonical::StreamEvent &e : events)
        encoder.event(e, sink);
    if (complete)
        encoder.complete(sink);
    return sink;
}

// Every tool-call piece of a stream as "start:<index>" / "args:<index>:<fragment>".
QStringList toolCallTrace(const RecordingSink &sink)
{
    QStringList trace;
    for (const QJsonObject &chunk : sink.chunks) {
        for (const QJsonValue &value : deltaOf(chunk).value(u"tool_calls"_s).toArray()) {
            const QJsonObject call = value.toObject();
            const QString index = QString::number(call.value(u"index"_s).toInt());
            const QString arguments = call.value(u"function"_s).toObject().value(u"arguments"_s).toString();
            if (call.contains(u"id"_s))
                trace.append(u"start:"_s + index + u':' + call.value(u"id"_s).toString() + u':'
                             + call.value(u"function"_s).toObject().value(u"name"_s).toString() + u':' + arguments);
            else
                trace.append(u"args:"_s + index + u':' + arguments);
        }
    }
    return trace;
}

QStringList finishReasons(const RecordingSink &sink)
{
    QStringList reasons;
    for (const QJsonObject &chunk : sink.chunks) {
        const QJsonValue reason = choiceOf(chunk).value(u"finish_reason"_s);
        if (reason.isString())
            reasons.append(reason.toString());
    }
    return reasons;
}

} // namespace

class TestOpenAiCodec final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // request
    void decodeToolsFixture();
    void decodeImageFixture();
    void decodeDeveloperMessageFixture();
    void decodeDataUrlImage();
    void decodeErrors_data();
    void decodeErrors();
    void toolResultNamesFromEarlierCalls();
    void legacyFunctionMessage();
    void thinkingBlocksAndSignaturesReadBack();
    void reasoningContentWithoutBlocks();
    void toolCallArgumentsAsObject();
    void options();

    // response
    void encodeText();
    void encodeToolCalls();
    void encodeReasoning();
    void encodeUsage_data();
    void encodeUsage();
    void encodeFallbacks();

    // stream
    void streamRoleChunkFirst();
    void streamSameIdModelCreated();
    void streamGeneratesIdWithoutStart();
    void streamToolCallStartBeforeArguments();
    void streamDeltaBeforeStartNeverEmitted();
    void streamStartCarryingArguments();
    void streamFinishOnce();
    void streamUsageChunkOnlyWhenAsked_data();
    void streamUsageChunkOnlyWhenAsked();
    void streamCompleteSynthesizesFinish_data();
    void streamCompleteSynthesizesFinish();
    void streamReasoning();
    void streamEmptyPiecesSkipped();
};

// ---- request ----------------------------------------------------------------------------

void TestOpenAiCodec::decodeToolsFixture()
{
    const QJsonObject body = fixture(u"chat_request_messages_tools.json"_s);
    const canonical::Request request = decoded(body);
    QCOMPARE(request.model, u"gpt-5.4"_s);
    QCOMPARE(request.messages.size(), 1);
    QCOMPARE(request.messages.at(0).role, canonical::Message::Role::User);
    QCOMPARE(request.messages.at(0).text(), u"What is the weather like in Boston today?"_s);
    QCOMPARE(request.tools.size(), 1);
    const canonical::Tool &tool = request.tools.at(0);
    QCOMPARE(tool.name, u"get_current_weather"_s);
    QCOMPARE(tool.description, u"Get the current weather in a given location"_s);
    const QJsonObject function = body.value(u"tools"_s).toArray().at(0).toObject().value(u"function"_s).toObject();
    QCOMPARE(tool.parameters, function.value(u"parameters"_s).toObject());
    QVERIFY(!tool.strict);
    QVERIFY(request.toolChoice.has_value());
    QCOMPARE(request.toolChoice->mode, canonical::ToolChoice::Mode::Auto);
    QVERIFY(!request.stream);
}

void TestOpenAiCodec::decodeImageFixture()
{
    const canonical::Request request = decoded(fixture(u"chat_request_image_url.json"_s));
    QCOMPARE(request.messages.size(), 1);
    const QList<canonical::ContentPart> &parts = request.messages.at(0).content;
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts.at(0).type, canonical::ContentPart::Type::Text);
    QCOMPARE(parts.at(0).text, u"What is in this image?"_s);
    QCOMPARE(parts.at(1).type, canonical::ContentPart::Type::Image);
    QVERIFY(!parts.at(1).image.isInline());
    QVERIFY(parts.at(1).image.url.startsWith(u"https://upload.wikimedia.org/"_s));
    QVERIFY(parts.at(1).image.base64.isEmpty());
    QCOMPARE(request.maxTokens, std::optional<qint64>(300));
}

void TestOpenAiCodec::decodeDeveloperMessageFixture()
{
    const canonical::Request request = decoded(fixture(u"chat_request_developer_message.json"_s));
    QCOMPARE(request.messages.size(), 2);
    QCOMPARE(request.messages.at(0).role, canonical::Message::Role::System);
    QCOMPARE(request.messages.at(0).text(), u"You are a helpful assistant."_s);
    QCOMPARE(request.messages.at(1).role, canonical::Message::Role::User);
    QCOMPARE(request.messages.at(1).text(), u"Hello!"_s);
}

void TestOpenAiCodec::decodeDataUrlImage()
{
    const QJsonArray parts{
        QJsonObject{{u"type"_s, u"image_url"_s},
                    {u"image_url"_s, QJsonObject{{u"url"_s, u"data:image/png;base64,iVBORw0KGgo="_s}, {u"detail"_s, u"high"_s}}}},
        // The bare-string form some clients send.
        QJsonObject{{u"type"_s, u"image_url"_s}, {u"image_url"_s, u"data:image/jpeg;base64,/9j/4AAQ"_s}},
        QJsonObject{{u"type"_s, u"text"_s}, {u"text"_s, u"and this?"_s}, {u"cache_control"_s, QJsonObject{{u"type"_s, u"ephemeral"_s}}}},
    };
    const canonical::Request request = decoded(withMessages({user(parts)}));
    const QList<canonical::ContentPart> &content = request.messages.at(0).content;
    QCOMPARE(content.size(), 3);
    QVERIFY(content.at(0).image.isInline());
    QCOMPARE(content.at(0).image.mimeType, u"image/png"_s);
    QCOMPARE(content.at(0).image.base64, "iVBORw0KGgo="_ba);
    QCOMPARE(content.at(0).image.detail, u"high"_s);
    QCOMPARE(content.at(1).image.mimeType, u"image/jpeg"_s);
    QCOMPARE(content.at(1).image.base64, "/9j/4AAQ"_ba);
    QCOMPARE(content.at(2).cacheControl.value(u"type"_s).toString(), u"ephemeral"_s);
}

void TestOpenAiCodec::decodeErrors_data()
{
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("param");

    const QJsonObject hello = user(u"hi"_s);
    auto part = [](const QString &type, const QString &key, const QJsonValue &value) {
        return QJsonObject{{u"type"_s, type}, {key, value}};
    };

    QTest::newRow("no messages") << QJsonObject{{u"model"_s, u"m"_s}} << u"messages"_s;
    QTest::newRow("messages not an array") << QJsonObject{{u"messages"_s, hello}} << u"messages"_s;
    QTest::newRow("messages a string") << QJsonObject{{u"messages"_s, u"hi"_s}} << u"messages"_s;
    QTest::newRow("messages empty") << withMessages({}) << u"messages"_s;
    {
        QJsonObject many = withMessages({hello});
        many.insert(u"n"_s, 2);
        QTest::newRow("n > 1") << many << u"n"_s;
    }
    QTest::newRow("message not an object") << withMessages({hello, u"hi"_s}) << u"messages[1]"_s;

    QTest::newRow("unknown role") << withMessages({QJsonObject{{u"role"_s, u"wizard"_s}, {u"content"_s, u"hi"_s}}})
                                  << u"messages[0].role"_s;
    QTest::newRow("no role") << withMessages({QJsonObject{{u"content"_s, u"hi"_s}}}) << u"messages[0].role"_s;
    QTest::newRow("role not a string") << withMessages({QJsonObject{{u"role"_s, 1}, {u"content"_s, u"hi"_s}}})
                                       << u"messages[0].role"_s;

    QTest::newRow("content a number") << withMessages({user(42)}) << u"messages[0].content"_s;
    QTest::newRow("content an object") << withMessages({user(QJsonObject{{u"text"_s, u"hi"_s}})})
                                       << u"messages[0].content"_s;
    QTest::newRow("audio part") << withMessages({user(QJsonArray{part(u"input_audio"_s, u"input_audio"_s, QJsonObject{})})})
                                << u"messages[0].content[0]"_s;
    QTest::newRow("part without type") << withMessages({user(QJsonArray{QJsonObject{{u"text"_s, u"hi"_s}}})})
                                       << u"messages[0].content[0]"_s;
    QTest::newRow("part not an object") << withMessages({user(QJsonArray{part(u"text"_s, u"text"_s, u"a"_s), u"b"_s})})
                                        << u"messages[0].content[1]"_s;
    QTest::newRow("image from ftp") << withMessages({user(QJsonArray{
                                           part(u"image_url"_s, u"image_url"_s, QJsonObject{{u"url"_s, u"ftp://host/x.png"_s}})})})
                                    << u"messages[0].content[0]"_s;
    QTest::newRow("image data URL not base64")
        << withMessages({user(QJsonArray{part(u"image_url"_s, u"image_url"_s, QJsonObject{{u"url"_s, u"data:image/png,abc"_s}})})})
        << u"messages[0].content[0]"_s;
    QTest::newRow("image data URL without a type")
        << withMessages({user(QJsonArray{part(u"image_url"_s, u"image_url"_s, QJsonObject{{u"url"_s, u"data:;base64,abc"_s}})})})
        << u"messages[0].content[0]"_s;
    QTest::newRow("image without URL") << withMessages({user(QJsonArray{part(u"image_url"_s, u"image_url"_s, QJsonObject{})})})
                                       << u"messages[0].content[0]"_s;

    QTest::newRow("tool_calls not an array")
        << withMessages({hello, QJsonObject{{u"role"_s, u"assistant"_s}, {u"tool_calls"_s, toolCall(u"c"_s, u"f"_s)}}})
        << u"messages[1].tool_calls"_s;
    QTest::newRow("tool call without id")
        << withMessages({hello, assistantCalling({toolCall(u"call_1"_s, u"f"_s), toolCall(QString(), u"f"_s)})})
        << u"messages[1].tool_calls[1]"_s;
    QTest::newRow("tool call without name") << withMessages({hello, assistantCalling({toolCall(u"call_1"_s, QString())})})
                                            << u"messages[1].tool_calls[0]"_s;
    QTest::newRow("thinking_blocks not an array")
        << withMessages({hello, QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u"x"_s}, {u"thinking_blocks"_s, u"x"_s}}})
        << u"messages[1].thinking_blocks"_s;
    QTest::newRow("tool message without tool_call_id")
        << withMessages({hello, assistantCalling({toolCall(u"call_1"_s, u"f"_s)}),
                         QJsonObject{{u"role"_s, u"tool"_s}, {u"content"_s, u"ok"_s}}})
        << u"messages[2].tool_call_id"_s;

    QJsonObject tools = withMessages({hello});
    tools.insert(u"tools"_s, QJsonObject{{u"type"_s, u"function"_s}});
    QTest::newRow("tools not an array") << tools << u"tools"_s;
    tools.insert(u"tools"_s, QJsonArray{QJsonObject{{u"type"_s, u"function"_s}, {u"function"_s, QJsonObject{{u"name"_s, u"f"_s}}}},
                                        QJsonObject{{u"type"_s, u"web_search"_s}}});
    QTest::newRow("non-function tool") << tools << u"tools[1]"_s;
    tools.insert(u"tools"_s, QJsonArray{QJsonObject{{u"type"_s, u"function"_s}, {u"function"_s, QJsonObject{}}}});
    QTest::newRow("function tool without name") << tools << u"tools[0]"_s;

    QJsonObject choice = withMessages({hello});
    choice.insert(u"tool_choice"_s, u"sometimes"_s);
    QTest::newRow("unknown tool_choice") << choice << u"tool_choice"_s;
    choice.insert(u"tool_choice"_s, QJsonObject{{u"type"_s, u"function"_s}, {u"function"_s, QJsonObject{}}});
    QTest::newRow("tool_choice without a name") << choice << u"tool_choice"_s;
    choice.insert(u"tool_choice"_s, 3);
    QTest::newRow("tool_choice a number") << choice << u"tool_choice"_s;
}

void TestOpenAiCodec::decodeErrors()
{
    QFETCH(QJsonObject, body);
    QFETCH(QString, param);
    const auto result = decodeOpenAiChatRequest(body);
    QVERIFY(std::holds_alternative<ApiError>(result));
    const ApiError &error = std::get<ApiError>(result);
    QCOMPARE(error.status, 400);
    QCOMPARE(error.type, u"invalid_request_error"_s);
    QCOMPARE(error.param, param);
    QVERIFY(!error.message.isEmpty());
    QVERIFY(!error.retryable);
    QVERIFY(error.upstreamBody.isEmpty());
}

void TestOpenAiCodec::toolResultNamesFromEarlierCalls()
{
    // Gemini needs the function name on a result; OpenAI's tool message carries only the id.
    QJsonObject named = toolResult(u"call_3"_s);
    named.insert(u"name"_s, u"explicit_name"_s);
    const canonical::Request request = decoded(withMessages({
        user(u"weather and time?"_s),
        assistantCalling({toolCall(u"call_1"_s, u"get_weather"_s), toolCall(u"call_2"_s, u"get_time"_s)}),
        toolResult(u"call_2"_s, u"12:00"_s),
        toolResult(u"call_1"_s, u"sunny"_s),
        user(u"and again?"_s),
        assistantCalling({toolCall(u"call_3"_s, u"get_weather"_s)}),
        named,
        toolResult(u"call_unknown"_s),
    }));
    QCOMPARE(request.messages.size(), 8);
    QCOMPARE(request.messages.at(2).role, canonical::Message::Role::Tool);
    QCOMPARE(request.messages.at(2).toolCallId, u"call_2"_s);
    QCOMPARE(request.messages.at(2).name, u"get_time"_s);
    QCOMPARE(request.messages.at(2).text(), u"12:00"_s);
    QCOMPARE(request.messages.at(3).name, u"get_weather"_s);
    QCOMPARE(request.messages.at(6).name, u"explicit_name"_s);  // the client's own name wins
    QVERIFY(request.messages.at(7).name.isEmpty());
    const QList<canonical::ToolCall> &calls = request.messages.at(1).toolCalls;
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(1).id, u"call_2"_s);
    QCOMPARE(calls.at(1).name, u"get_time"_s);
    QCOMPARE(calls.at(1).arguments, u"{}"_s);
}

void TestOpenAiCodec::legacyFunctionMessage()
{
    // The deprecated role "function" names its function and has no tool_call_id.
    const canonical::Request request = decoded(withMessages({
        user(u"hi"_s),
        QJsonObject{{u"role"_s, u"function"_s}, {u"name"_s, u"get_weather"_s}, {u"content"_s, u"sunny"_s}},
    }));
    QCOMPARE(request.messages.at(1).role, canonical::Message::Role::Tool);
    QCOMPARE(request.messages.at(1).name, u"get_weather"_s);
    QVERIFY(request.messages.at(1).toolCallId.isEmpty());
}

void TestOpenAiCodec::thinkingBlocksAndSignaturesReadBack()
{
    // What encodeOpenAiChatResponse hands out comes back unchanged on the next turn.
    QJsonObject call = toolCall(u"call_1"_s, u"get_weather"_s, uR"({"city":"Paris"})"_s);
    call.insert(u"extra_content"_s, QJsonObject{{u"google"_s, QJsonObject{{u"thought_signature"_s, u"CsYBAbc=="_s}}}});
    QJsonObject assistant = assistantCalling({call});
    assistant.insert(u"reasoning_content"_s, u"ignored: the blocks carry it"_s);
    assistant.insert(u"thinking_blocks"_s,
                     QJsonArray{QJsonObject{{u"type"_s, u"thinking"_s}, {u"thinking"_s, u"Let me look."_s}, {u"signature"_s, u"EqQBsig=="_s}},
                                QJsonObject{{u"type"_s, u"redacted_thinking"_s}, {u"data"_s, u"EmwKAhr=="_s}}});
    const canonical::Request request = decoded(withMessages({user(u"weather?"_s), assistant, toolResult(u"call_1"_s)}));
    const canonical::Message &message = request.messages.at(1);
    QCOMPARE(message.reasoning.size(), 2);
    QCOMPARE(message.reasoning.at(0).text, u"Let me look."_s);
    QCOMPARE(message.reasoning.at(0).signature, u"EqQBsig=="_s);
    QVERIFY(message.reasoning.at(0).redactedData.isEmpty());
    QVERIFY(message.reasoning.at(1).text.isEmpty());
    QCOMPARE(message.reasoning.at(1).redactedData, u"EmwKAhr=="_s);
    QCOMPARE(message.toolCalls.at(0).thoughtSignature, u"CsYBAbc=="_s);
    QCOMPARE(message.toolCalls.at(0).arguments, uR"({"city":"Paris"})"_s);

    // Round trip through the response encoder.
    canonical::Response response;
    response.reasoning = message.reasoning;
    response.toolCalls = message.toolCalls;
    const QJsonObject encoded = encodeOpenAiChatResponse(response)
                                    .value(u"choices"_s).toArray().at(0).toObject()
                                    .value(u"message"_s).toObject();
    const QJsonObject back = assistantCalling(encoded.value(u"tool_calls"_s).toArray());
    QJsonObject again = back;
    again.insert(u"thinking_blocks"_s, encoded.value(u"thinking_blocks"_s));
    const canonical::Message reread = decoded(withMessages({user(u"x"_s), again})).messages.at(1);
    QCOMPARE(reread.reasoning.size(), 2);
    QCOMPARE(reread.reasoning.at(0).signature, u"EqQBsig=="_s);
    QCOMPARE(reread.reasoning.at(1).redactedData, u"EmwKAhr=="_s);
    QCOMPARE(reread.toolCalls.at(0).thoughtSignature, u"CsYBAbc=="_s);
}

void TestOpenAiCodec::reasoningContentWithoutBlocks()
{
    const QJsonObject assistant{{u"role"_s, u"assistant"_s}, {u"content"_s, u"4"_s}, {u"reasoning_content"_s, u"2+2=4"_s}};
    const canonical::Message message = decoded(withMessages({user(u"2+2?"_s), assistant, user(u"ok"_s)})).messages.at(1);
    QCOMPARE(message.reasoning.size(), 1);
    QCOMPARE(message.reasoning.at(0).text, u"2+2=4"_s);
    QVERIFY(message.reasoning.at(0).signature.isEmpty());
    // Reasoning fields on other roles mean nothing and are not read.
    QJsonObject odd = user(u"hi"_s);
    odd.insert(u"reasoning_content"_s, u"x"_s);
    QVERIFY(decoded(withMessages({odd})).messages.at(0).reasoning.isEmpty());
}

void TestOpenAiCodec::toolCallArgumentsAsObject()
{
    // Some clients send arguments as an object; OpenAI defines a JSON string.
    const QJsonObject call = toolCall(u"call_1"_s, u"f"_s, QJsonObject{{u"city"_s, u"Paris"_s}});
    const canonical::Message message = decoded(withMessages({user(u"x"_s), assistantCalling({call})})).messages.at(1);
    QCOMPARE(message.toolCalls.at(0).arguments, uR"({"city":"Paris"})"_s);
}

void TestOpenAiCodec::options()
{
    QJsonObject body = withMessages({user(u"hi"_s)});
    body.insert(u"max_tokens"_s, 100);
    body.insert(u"max_completion_tokens"_s, 200);
    body.insert(u"temperature"_s, 0.5);
    body.insert(u"top_p"_s, 0.9);
    body.insert(u"seed"_s, 7);
    body.insert(u"stop"_s, u"END"_s);
    body.insert(u"stream"_s, true);
    body.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    body.insert(u"parallel_tool_calls"_s, false);
    body.insert(u"reasoning_effort"_s, u"high"_s);
    body.insert(u"thinking"_s, QJsonObject{{u"type"_s, u"enabled"_s}, {u"budget_tokens"_s, 2048}});
    body.insert(u"tool_choice"_s, QJsonObject{{u"type"_s, u"function"_s}, {u"function"_s, QJsonObject{{u"name"_s, u"f"_s}}}});
    const canonical::Request request = decoded(body);
    QCOMPARE(request.maxTokens, std::optional<qint64>(200));  // the newer field wins
    QCOMPARE(request.temperature, std::optional<double>(0.5));
    QCOMPARE(request.topP, std::optional<double>(0.9));
    QCOMPARE(request.seed, std::optional<qint64>(7));
    QCOMPARE(request.stop, QStringList{u"END"_s});
    QVERIFY(request.stream);
    QVERIFY(request.includeUsage);
    QCOMPARE(request.parallelToolCalls, std::optional<bool>(false));
    QCOMPARE(request.reasoningEffort, u"high"_s);
    QCOMPARE(request.reasoningBudget, std::optional<qint64>(2048));
    QCOMPARE(request.toolChoice->mode, canonical::ToolChoice::Mode::Function);
    QCOMPARE(request.toolChoice->function, u"f"_s);

    body.insert(u"stop"_s, QJsonArray{u"a"_s, u"b"_s});
    body.remove(u"max_completion_tokens"_s);
    const canonical::Request second = decoded(body);
    QCOMPARE(second.stop, (QStringList{u"a"_s, u"b"_s}));
    QCOMPARE(second.maxTokens, std::optional<qint64>(100));
    QVERIFY(!decoded(withMessages({user(u"hi"_s)})).maxTokens.has_value());
}

// ---- response ---------------------------------------------------------------------------

void TestOpenAiCodec::encodeText()
{
    canonical::Response response;
    response.id = u"chatcmpl-abc"_s;
    response.model = u"claude-x"_s;
    response.created = 1700000000;
    response.text = u"Hello"_s;
    response.finishReason = canonical::finish::Length;
    const QJsonObject object = encodeOpenAiChatResponse(response);
    QCOMPARE(object.value(u"id"_s).toString(), u"chatcmpl-abc"_s);
    QCOMPARE(object.value(u"object"_s).toString(), u"chat.completion"_s);
    QCOMPARE(object.value(u"created"_s).toInteger(), 1700000000);
    QCOMPARE(object.value(u"model"_s).toString(), u"claude-x"_s);
    const QJsonArray choices = object.value(u"choices"_s).toArray();
    QCOMPARE(choices.size(), 1);
    const QJsonObject choice = choices.at(0).toObject();
    QCOMPARE(choice.value(u"index"_s).toInt(), 0);
    QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"length"_s);
    QVERIFY(choice.value(u"logprobs"_s).isNull());
    const QJsonObject message = choice.value(u"message"_s).toObject();
    QCOMPARE(message.value(u"role"_s).toString(), u"assistant"_s);
    QCOMPARE(message.value(u"content"_s).toString(), u"Hello"_s);
    QVERIFY(message.value(u"refusal"_s).isNull());
    QVERIFY(!message.contains(u"tool_calls"_s));
    QVERIFY(!message.contains(u"reasoning_content"_s));
    QVERIFY(!message.contains(u"thinking_blocks"_s));
}

void TestOpenAiCodec::encodeToolCalls()
{
    canonical::Response response;
    response.toolCalls = {{u"toolu_1"_s, u"get_weather"_s, uR"({"city":"Paris"})"_s, QString()},
                          {u"gem-2"_s, u"get_time"_s, u"{}"_s, u"sig-2"_s}};
    response.finishReason = canonical::finish::ToolCalls;
    const QJsonObject choice = encodeOpenAiChatResponse(response).value(u"choices"_s).toArray().at(0).toObject();
    QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"tool_calls"_s);
    const QJsonObject message = choice.value(u"message"_s).toObject();
    // No text with tool calls: content is null, as OpenAI sends it, not "".
    QVERIFY(message.value(u"content"_s).isNull());
    const QJsonArray calls = message.value(u"tool_calls"_s).toArray();
    QCOMPARE(calls.size(), 2);
    const QJsonObject first = calls.at(0).toObject();
    QCOMPARE(first.value(u"id"_s).toString(), u"toolu_1"_s);
    QCOMPARE(first.value(u"type"_s).toString(), u"function"_s);
    QCOMPARE(first.value(u"function"_s).toObject().value(u"name"_s).toString(), u"get_weather"_s);
    QCOMPARE(first.value(u"function"_s).toObject().value(u"arguments"_s).toString(), uR"({"city":"Paris"})"_s);
    QVERIFY(!first.contains(u"extra_content"_s));
    QCOMPARE(calls.at(1).toObject().value(u"extra_content"_s).toObject().value(u"google"_s).toObject()
                 .value(u"thought_signature"_s).toString(),
             u"sig-2"_s);

    // Text beside tool calls stays text.
    response.text = u"Let me check."_s;
    const QJsonObject withText = encodeOpenAiChatResponse(response).value(u"choices"_s).toArray().at(0).toObject()
                                     .value(u"message"_s).toObject();
    QCOMPARE(withText.value(u"content"_s).toString(), u"Let me check."_s);
}

void TestOpenAiCodec::encodeReasoning()
{
    canonical::Response response;
    response.text = u"4"_s;
    response.reasoning = {{u"First, "_s, QString(), QString()},
                          {u"2+2=4."_s, u"sig-a"_s, QString()},
                          {QString(), QString(), u"redacted-b"_s}};
    const QJsonObject message = encodeOpenAiChatResponse(response).value(u"choices"_s).toArray().at(0).toObject()
                                    .value(u"message"_s).toObject();
    QCOMPARE(message.value(u"reasoning_content"_s).toString(), u"First, 2+2=4."_s);
    // Only blocks with something opaque to send back are thinking_blocks.
    const QJsonArray blocks = message.value(u"thinking_blocks"_s).toArray();
    QCOMPARE(blocks.size(), 2);
    QCOMPARE(blocks.at(0).toObject(), (QJsonObject{{u"type"_s, u"thinking"_s}, {u"thinking"_s, u"2+2=4."_s}, {u"signature"_s, u"sig-a"_s}}));
    QCOMPARE(blocks.at(1).toObject(), (QJsonObject{{u"type"_s, u"redacted_thinking"_s}, {u"data"_s, u"redacted-b"_s}}));
}

void TestOpenAiCodec::encodeUsage_data()
{
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<qint64>("cacheWrite");
    QTest::addColumn<qint64>("reasoning");
    QTest::newRow("plain") << qint64(14) << qint64(30) << qint64(0) << qint64(0) << qint64(0);
    QTest::newRow("anthropic cache read and write") << qint64(3100) << qint64(120) << qint64(2048) << qint64(1000)
                                                    << qint64(0);
    QTest::newRow("gemini thoughts") << qint64(12013) << qint64(88) << qint64(11000) << qint64(0) << qint64(73);
}

void TestOpenAiCodec::encodeUsage()
{
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(qint64, cached);
    QFETCH(qint64, cacheWrite);
    QFETCH(qint64, reasoning);
    canonical::Response response;
    response.usage = {prompt, completion, cached, cacheWrite, reasoning, true};
    const QJsonObject usage = encodeOpenAiChatResponse(response).value(u"usage"_s).toObject();
    QCOMPARE(usage, encodeOpenAiUsage(response.usage));
    QCOMPARE(usage.value(u"prompt_tokens"_s).toInteger(), prompt);
    QCOMPARE(usage.value(u"completion_tokens"_s).toInteger(), completion);
    QCOMPARE(usage.value(u"total_tokens"_s).toInteger(), prompt + completion);
    const QJsonObject promptDetails = usage.value(u"prompt_tokens_details"_s).toObject();
    QCOMPARE(promptDetails.value(u"cached_tokens"_s).toInteger(), cached);
    QCOMPARE(promptDetails.contains(u"cache_write_tokens"_s), cacheWrite > 0);
    if (cacheWrite > 0)
        QCOMPARE(promptDetails.value(u"cache_write_tokens"_s).toInteger(), cacheWrite);
    QCOMPARE(usage.value(u"completion_tokens_details"_s).toObject().value(u"reasoning_tokens"_s).toInteger(), reasoning);
    // And it reads back the same way the gateway reads an OpenAI provider's usage.
    const TokenUsage back = tokenUsageFromOpenAi(usage);
    QCOMPARE(back.prompt, prompt);
    QCOMPARE(back.completion, completion);
    QCOMPARE(back.cached, cached);
    QCOMPARE(back.cacheWrite, cacheWrite);
    QCOMPARE(back.reasoning, reasoning);
}

void TestOpenAiCodec::encodeFallbacks()
{
    canonical::Response response;
    response.text = u"hi"_s;
    response.refusal = u"I can't help with that."_s;
    response.extra = {{u"prompt_filter_results"_s, QJsonArray{}}, {u"system_fingerprint"_s, u"fp_1"_s}};
    const QJsonObject object = encodeOpenAiChatResponse(response);
    QVERIFY(object.value(u"id"_s).toString().startsWith(u"chatcmpl-"_s));
    QVERIFY(object.value(u"id"_s).toString().size() > 9);
    QVERIFY(object.value(u"created"_s).toInteger() > 0);
    const QJsonObject choice = object.value(u"choices"_s).toArray().at(0).toObject();
    QCOMPARE(choice.value(u"finish_reason"_s).toString(), u"stop"_s);
    QCOMPARE(choice.value(u"message"_s).toObject().value(u"refusal"_s).toString(), u"I can't help with that."_s);
    QVERIFY(object.value(u"prompt_filter_results"_s).isArray());
    QCOMPARE(object.value(u"system_fingerprint"_s).toString(), u"fp_1"_s);
    QVERIFY(newCompletionId() != newCompletionId());
}

// ---- stream -----------------------------------------------------------------------------

void TestOpenAiCodec::streamRoleChunkFirst()
{
    const RecordingSink sink = encode({start(u"msg_1"_s, u"claude-x"_s, 1700000000), text(u"Hel"_s), text(u"lo"_s),
                                       finish(canonical::finish::Stop)},
                                      false);
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
    QCOMPARE(sink.chunks.size(), 4);
    QCOMPARE(deltaOf(sink.chunks.at(0)), (QJsonObject{{u"role"_s, u"assistant"_s}, {u"content"_s, u""_s}}));
    QCOMPARE(sink.contentFlags.at(0), false);
    QCOMPARE(deltaOf(sink.chunks.at(1)).value(u"content"_s).toString(), u"Hel"_s);
    QCOMPARE(sink.contentFlags.at(1), true);
    QCOMPARE(deltaOf(sink.chunks.at(2)).value(u"content"_s).toString(), u"lo"_s);
    QCOMPARE(deltaOf(sink.chunks.at(3)), QJsonObject());
    QCOMPARE(choiceOf(sink.chunks.at(3)).value(u"finish_reason"_s).toString(), u"stop"_s);
    for (qsizetype i = 0; i < 3; ++i)
        QVERIFY(choiceOf(sink.chunks.at(i)).value(u"finish_reason"_s).isNull());

    // Whatever comes first, the role chunk precedes it.
    for (const canonical::StreamEvent &first : {text(u"x"_s), toolStart(0, u"c"_s, u"f"_s), finish(u"stop"_s)}) {
        const RecordingSink other = encode({first}, false);
        QCOMPARE(deltaOf(other.chunks.at(0)).value(u"role"_s).toString(), u"assistant"_s);
        QVERIFY(!deltaOf(other.chunks.at(1)).contains(u"role"_s));
    }
}

void TestOpenAiCodec::streamSameIdModelCreated()
{
    const RecordingSink sink = encode({start(u"msg_1"_s, u"claude-x"_s, 1700000000), text(u"a"_s),
                                       toolStart(0, u"toolu_1"_s, u"f"_s, u"{}"_s), finish(canonical::finish::ToolCalls),
                                       usage(10, 5)},
                                      true);
    QVERIFY(sink.chunks.size() >= 5);
    for (const QJsonObject &chunk : sink.chunks) {
        QCOMPARE(chunk.value(u"id"_s).toString(), u"msg_1"_s);
        QCOMPARE(chunk.value(u"model"_s).toString(), u"claude-x"_s);
        QCOMPARE(chunk.value(u"created"_s).toInteger(), 1700000000);
        QCOMPARE(chunk.value(u"object"_s).toString(), u"chat.completion.chunk"_s);
    }
    // A later Start cannot change them mid-stream.
    const RecordingSink late = encode({start(u"a"_s, u"m1"_s, 1), text(u"x"_s), start(u"b"_s, u"m2"_s, 2), text(u"y"_s)}, false);
    for (const QJsonObject &chunk : late.chunks)
        QCOMPARE(chunk.value(u"id"_s).toString(), u"a"_s);
}

void TestOpenAiCodec::streamGeneratesIdWithoutStart()
{
    const RecordingSink sink = encode({text(u"x"_s)}, false);
    const QString id = sink.chunks.at(0).value(u"id"_s).toString();
    QVERIFY(id.startsWith(u"chatcmpl-"_s));
    QVERIFY(sink.chunks.at(0).value(u"created"_s).toInteger() > 0);
    // The provider named no model: the one the gateway called stands in.
    QCOMPARE(sink.chunks.at(0).value(u"model"_s).toString(), u"fallback-model"_s);
    for (const QJsonObject &chunk : sink.chunks)
        QCOMPARE(chunk.value(u"id"_s).toString(), id);
}

void TestOpenAiCodec::streamToolCallStartBeforeArguments()
{
    const RecordingSink sink = encode({toolStart(0, u"toolu_a"_s, u"get_weather"_s), toolDelta(0, u"{\"ci"_s),
                                       toolDelta(0, u"ty\":\"Paris\"}"_s), toolStart(1, u"toolu_b"_s, u"get_time"_s),
                                       toolDelta(1, u"{}"_s), finish(canonical::finish::ToolCalls)},
                                      false);
    QCOMPARE(toolCallTrace(sink), (QStringList{u"start:0:toolu_a:get_weather:"_s, u"args:0:{\"ci"_s,
                                               u"args:0:ty\":\"Paris\"}"_s, u"start:1:toolu_b:get_time:"_s,
                                               u"args:1:{}"_s}));
    // The start delta is complete as strict clients expect: type and empty arguments too.
    const QJsonObject first = deltaOf(sink.chunks.at(1)).value(u"tool_calls"_s).toArray().at(0).toObject();
    QCOMPARE(first.value(u"type"_s).toString(), u"function"_s);
    QCOMPARE(first.value(u"function"_s).toObject().value(u"arguments"_s), QJsonValue(u""_s));
    QCOMPARE(finishReasons(sink), QStringList{u"tool_calls"_s});
}

void TestOpenAiCodec::streamDeltaBeforeStartNeverEmitted()
{
    const RecordingSink sink = encode({toolDelta(0, u"{\"lost\":1}"_s), toolStart(0, u"toolu_a"_s, u"f"_s),
                                       toolDelta(1, u"{\"also lost\":1}"_s), toolDelta(0, u"{}"_s)},
                                      false);
    QCOMPARE(toolCallTrace(sink), (QStringList{u"start:0:toolu_a:f:"_s, u"args:0:{}"_s}));
}

void TestOpenAiCodec::streamStartCarryingArguments()
{
    // Gemini and Ollama deliver a whole call at once: id and name first, then the arguments.
    const RecordingSink sink = encode({toolStart(0, u"gem-1"_s, u"get_weather"_s, uR"({"city":"Paris"})"_s)}, false);
    QCOMPARE(toolCallTrace(sink), (QStringList{u"start:0:gem-1:get_weather:"_s, uR"(args:0:{"city":"Paris"})"_s}));
}

void TestOpenAiCodec::streamFinishOnce()
{
    const RecordingSink sink = encode({text(u"x"_s), finish(canonical::finish::Length), finish(canonical::finish::Stop)},
                                      false);
    QCOMPARE(finishReasons(sink), QStringList{u"length"_s});
    // A Finish without a reason is a stop.
    QCOMPARE(finishReasons(encode({text(u"x"_s), finish(QString())}, false)), QStringList{u"stop"_s});
}

void TestOpenAiCodec::streamUsageChunkOnlyWhenAsked_data()
{
    QTest::addColumn<bool>("includeUsage");
    QTest::addColumn<bool>("usageKnown");
    QTest::newRow("asked, known") << true << true;
    QTest::newRow("asked, provider gave none") << true << false;
    QTest::newRow("not asked") << false << true;
}

void TestOpenAiCodec::streamUsageChunkOnlyWhenAsked()
{
    QFETCH(bool, includeUsage);
    QFETCH(bool, usageKnown);
    QList<canonical::StreamEvent> events{text(u"x"_s), usage(10, 2), finish(canonical::finish::Stop), usage(12, 5)};
    if (!usageKnown)
        events = {text(u"x"_s), finish(canonical::finish::Stop)};
    const RecordingSink sink = encode(events, includeUsage);
    // The gateway records usage whatever the client asked for (the last value wins).
    QCOMPARE(sink.usages.size(), usageKnown ? 2 : 0);
    if (usageKnown)
        QCOMPARE(sink.usages.constLast().completion, 5);
    const bool chunk = includeUsage && usageKnown;
    const QJsonObject last = sink.chunks.constLast();
    QCOMPARE(last.contains(u"usage"_s), chunk);
    if (chunk) {
        // After the finish chunk, alone, with no choices, as OpenAI sends it.
        QVERIFY(last.value(u"choices"_s).isArray());
        QVERIFY(last.value(u"choices"_s).toArray().isEmpty());
        QCOMPARE(last.value(u"usage"_s).toObject(), encodeOpenAiUsage({12, 5, 0, 0, 0, true}));
        QCOMPARE(choiceOf(sink.chunks.at(sink.chunks.size() - 2)).value(u"finish_reason"_s).toString(), u"stop"_s);
    }
    for (qsizetype i = 0; i + 1 < sink.chunks.size(); ++i)
        QVERIFY(!sink.chunks.at(i).contains(u"usage"_s));
    QVERIFY(sink.completed);
    QCOMPARE(sink.terminator, "data: [DONE]\n\n"_ba);
}

void TestOpenAiCodec::streamCompleteSynthesizesFinish_data()
{
    QTest::addColumn<bool>("withToolCall");
    QTest::addColumn<QString>("finish");
    QTest::newRow("text only") << false << u"stop"_s;
    QTest::newRow("a tool call") << true << u"tool_calls"_s;
}

void TestOpenAiCodec::streamCompleteSynthesizesFinish()
{
    QFETCH(bool, withToolCall);
    QFETCH(QString, finish);
    QList<canonical::StreamEvent> events{text(u"x"_s)};
    if (withToolCall)
        events.append(toolStart(0, u"c1"_s, u"f"_s, u"{}"_s));
    OpenAiStreamEncoder encoder(u"m"_s, false);
    RecordingSink sink;
    for (const canonical::StreamEvent &e : events)
        encoder.event(e, sink);
    QVERIFY(!encoder.hasFinished());
    encoder.complete(sink);
    QVERIFY(encoder.hasFinished());
    QCOMPARE(finishReasons(sink), QStringList{finish});
    QVERIFY(sink.completed);

    // Nothing at all from the provider still makes a well-formed stream.
    const RecordingSink empty = encode({}, true);
    QCOMPARE(empty.chunks.size(), 2);
    QCOMPARE(deltaOf(empty.chunks.at(0)).value(u"role"_s).toString(), u"assistant"_s);
    QCOMPARE(finishReasons(empty), QStringList{u"stop"_s});
}

void TestOpenAiCodec::streamReasoning()
{
    auto thinking = makeEvent(canonical::StreamEvent::Kind::ReasoningDelta);
    thinking.text = u"Let me think."_s;
    auto signature = makeEvent(canonical::StreamEvent::Kind::ReasoningSignature);
    signature.text = u"EqQBsig=="_s;
    auto redacted = makeEvent(canonical::StreamEvent::Kind::ReasoningSignature);
    redacted.text = u"EmwKAhr=="_s;
    redacted.redacted = true;
    const RecordingSink sink = encode({thinking, signature, redacted, text(u"4"_s)}, false);
    QCOMPARE(deltaOf(sink.chunks.at(1)), (QJsonObject{{u"reasoning_content"_s, u"Let me think."_s}}));
    QCOMPARE(sink.contentFlags.at(1), true);
    QCOMPARE(deltaOf(sink.chunks.at(2)).value(u"thinking_blocks"_s).toArray(),
             (QJsonArray{QJsonObject{{u"type"_s, u"thinking"_s}, {u"thinking"_s, u""_s}, {u"signature"_s, u"EqQBsig=="_s}}}));
    QCOMPARE(deltaOf(sink.chunks.at(3)).value(u"thinking_blocks"_s).toArray(),
             (QJsonArray{QJsonObject{{u"type"_s, u"redacted_thinking"_s}, {u"data"_s, u"EmwKAhr=="_s}}}));
    QCOMPARE(deltaOf(sink.chunks.at(4)).value(u"content"_s).toString(), u"4"_s);
}

void TestOpenAiCodec::streamEmptyPiecesSkipped()
{
    // Providers send empty deltas (Anthropic's first partial_json is ""): no empty chunks.
    auto emptyThinking = makeEvent(canonical::StreamEvent::Kind::ReasoningDelta);
    auto emptySignature = makeEvent(canonical::StreamEvent::Kind::ReasoningSignature);
    const RecordingSink sink = encode({text(QString()), emptyThinking, emptySignature, toolStart(0, u"c"_s, u"f"_s),
                                       toolDelta(0, QString()), text(u"x"_s)},
                                      false, false);
    QCOMPARE(sink.chunks.size(), 3);  // role, tool call start, "x"
    QCOMPARE(deltaOf(sink.chunks.at(2)).value(u"content"_s).toString(), u"x"_s);
}

QTEST_GUILESS_MAIN(TestOpenAiCodec)
#include "tst_openai_codec.moc"
