// The Anthropic Messages dialect's answer side: the relay's OpenAI Chat answers (whole
// bodies and chunk streams) rendered as Anthropic messages, stream events and errors.
// Checked against the recorded OpenAI fixtures (grammar, and agreement with the
// non-stream encoder on the same answer) and against the recorded Anthropic ones, sent
// through the anthropic adapter to OpenAI Chat and back (the round trip must give the
// original blocks, stop reason and usage, and the same event sequence).

#include "FakeDialect.h"
#include "anthropic/AnthropicResponse.h"
#include "anthropic/AnthropicStreamDecoder.h"
#include "anthropic/AnthropicToolIds.h"
#include "cache/StreamCapture.h"
#include "dialects/AnthropicAnswerEncoder.h"
#include "dialects/AnthropicStreamEncoder.h"
#include "openai/OpenAiChatCodec.h"
#include "openai/OpenAiStreamEncoder.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
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

QJsonObject jsonFixture(const QString &path)
{
    return QJsonDocument::fromJson(fixture(path)).object();
}

// Frames as a relay writes them: one "data: ...\n\n" event per call (the fakes' own
// splitter).
using onegate::test::sseFrames;

struct Event {
    QString name;
    QJsonObject data;
};

// What a client reads: every event the encoder wrote, then message_stop or error.
struct Output {
    QList<QByteArray> raw;
    QList<Event> events;
    bool completed = false;
    bool failed = false;
    int callbacksAfterEnd = 0;
    QString formatError; // first event not formatted as Anthropic formats them
};

void record(Output &out, const QByteArray &raw)
{
    out.raw.append(raw);
    static const QRegularExpression shape(u"^event: ([a-z_]+)\ndata: (\\{[^\n]*\\})\n\n$"_s);
    const QRegularExpressionMatch match = shape.match(QString::fromUtf8(raw));
    if (!match.hasMatch()) {
        if (out.formatError.isEmpty())
            out.formatError = QString::fromUtf8(raw);
        return;
    }
    out.events.append(
        {match.captured(1), QJsonDocument::fromJson(match.captured(2).toUtf8()).object()});
}

AnthropicStreamEncoder::Downstream downstreamInto(Output &out)
{
    AnthropicStreamEncoder::Downstream downstream;
    downstream.write = [&out](const QByteArray &event, bool) {
        if (out.completed || out.failed)
            ++out.callbacksAfterEnd;
        record(out, event);
    };
    downstream.completed = [&out](const QByteArray &event) {
        if (out.completed || out.failed)
            ++out.callbacksAfterEnd;
        out.completed = true;
        record(out, event);
    };
    downstream.failed = [&out](const QByteArray &event, const ApiError &) {
        if (out.completed || out.failed)
            ++out.callbacksAfterEnd;
        out.failed = true;
        record(out, event);
    };
    return downstream;
}

// The grammar the Anthropic SDKs rely on; empty when the events follow it.
QString grammarError(const Output &out)
{
    if (!out.formatError.isEmpty())
        return u"badly formatted event: "_s + out.formatError;
    if (out.callbacksAfterEnd > 0)
        return u"events after the end"_s;
    const QList<Event> &events = out.events;
    if (events.isEmpty() || events.first().name != "message_start"_L1)
        return u"first event is not message_start"_s;
    QSet<int> open;
    QSet<int> seen;
    bool sawDelta = false;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Event &event = events.at(i);
        if (event.data.value("type"_L1).toString() != event.name)
            return u"event %1: data type differs from its name"_s.arg(i);
        const int index = event.data.value("index"_L1).toInt(-1);
        if (event.name == "message_start"_L1 && i != 0)
            return u"second message_start"_s;
        if (sawDelta && event.name != "message_stop"_L1)
            return u"%1 after message_delta"_s.arg(event.name);
        if (event.name == "content_block_start"_L1) {
            if (seen.contains(index) || index != int(seen.size()))
                return u"block %1 started out of order"_s.arg(index);
            if (!open.isEmpty())
                return u"block %1 started while another is open"_s.arg(index);
            seen.insert(index);
            open.insert(index);
        } else if (event.name == "content_block_delta"_L1) {
            if (!open.contains(index))
                return u"delta for block %1 that is not open"_s.arg(index);
        } else if (event.name == "content_block_stop"_L1) {
            if (!open.remove(index))
                return u"stop for block %1 that is not open"_s.arg(index);
        } else if (event.name == "message_delta"_L1) {
            if (!open.isEmpty())
                return u"message_delta with a block open"_s;
            sawDelta = true;
        }
    }
    if (out.failed)
        return events.last().name == "error"_L1 ? QString() : u"failure without error event"_s;
    if (!out.completed || events.last().name != "message_stop"_L1)
        return u"does not end with message_stop"_s;
    if (events.size() < 2 || events.at(events.size() - 2).name != "message_delta"_L1)
        return u"message_stop not preceded by message_delta"_s;
    return {};
}

// The message a client SDK assembles from the events (MessageStream.finalMessage()).
QJsonObject assemble(const QList<Event> &events)
{
    QJsonObject message;
    QJsonArray blocks;
    QMap<int, QString> partialJson;
    for (const Event &event : events) {
        if (event.name == "message_start"_L1) {
            message = event.data.value("message"_L1).toObject();
        } else if (event.name == "content_block_start"_L1) {
            blocks.append(event.data.value("content_block"_L1));
        } else if (event.name == "content_block_delta"_L1) {
            const int index = event.data.value("index"_L1).toInt();
            QJsonObject block = blocks.at(index).toObject();
            const QJsonObject delta = event.data.value("delta"_L1).toObject();
            const QString type = delta.value("type"_L1).toString();
            if (type == "text_delta"_L1)
                block["text"_L1] =
                    QString(block.value("text"_L1).toString() + delta.value("text"_L1).toString());
            else if (type == "thinking_delta"_L1)
                block["thinking"_L1] = QString(block.value("thinking"_L1).toString() +
                                               delta.value("thinking"_L1).toString());
            else if (type == "signature_delta"_L1)
                block["signature"_L1] = delta.value("signature"_L1).toString();
            else if (type == "input_json_delta"_L1)
                partialJson[index] += delta.value("partial_json"_L1).toString();
            blocks[index] = block;
        } else if (event.name == "content_block_stop"_L1) {
            const int index = event.data.value("index"_L1).toInt();
            if (partialJson.contains(index)) {
                QJsonObject block = blocks.at(index).toObject();
                block["input"_L1] =
                    QJsonDocument::fromJson(partialJson.value(index).toUtf8()).object();
                blocks[index] = block;
            }
        } else if (event.name == "message_delta"_L1) {
            const QJsonObject delta = event.data.value("delta"_L1).toObject();
            message["stop_reason"_L1] = delta.value("stop_reason"_L1);
            message["stop_sequence"_L1] = delta.value("stop_sequence"_L1);
            QJsonObject usage = message.value("usage"_L1).toObject();
            const QJsonObject more = event.data.value("usage"_L1).toObject();
            for (auto it = more.begin(); it != more.end(); ++it)
                usage[it.key()] = it.value();
            message["usage"_L1] = usage;
        }
    }
    message["content"_L1] = blocks;
    return message;
}

// Only the fields both dialects carry (Anthropic adds `caller`, `citations`, ...).
QJsonArray comparableBlocks(const QJsonArray &blocks)
{
    QJsonArray out;
    for (const QJsonValue &value : blocks) {
        const QJsonObject block = value.toObject();
        QJsonObject kept;
        for (const QLatin1String field : {"type"_L1, "text"_L1, "thinking"_L1, "signature"_L1,
                                          "data"_L1, "id"_L1, "name"_L1, "input"_L1}) {
            if (block.contains(field))
                kept.insert(field, block.value(field));
        }
        out.append(kept);
    }
    return out;
}

QJsonObject comparableUsage(const QJsonObject &usage)
{
    QJsonObject kept;
    for (const QLatin1String field :
         {"input_tokens"_L1, "output_tokens"_L1, "cache_read_input_tokens"_L1,
          "cache_creation_input_tokens"_L1})
        kept.insert(field, usage.value(field).toInteger());
    return kept;
}

// Event names and block / delta kinds, pings and empty JSON pieces left out and runs of
// the same delta kind folded, so streams chunked differently compare equal.
QStringList eventShape(const QList<Event> &events)
{
    QStringList shape;
    for (const Event &event : events) {
        QString entry = event.name;
        if (event.name == "ping"_L1)
            continue;
        if (event.name == "content_block_start"_L1) {
            entry += u":"_s +
                     event.data.value("content_block"_L1).toObject().value("type"_L1).toString();
        } else if (event.name == "content_block_delta"_L1) {
            const QJsonObject delta = event.data.value("delta"_L1).toObject();
            if (delta.value("type"_L1).toString() == "input_json_delta"_L1 &&
                delta.value("partial_json"_L1).toString().isEmpty())
                continue;
            entry = u"delta:"_s + delta.value("type"_L1).toString();
        }
        if (shape.isEmpty() || shape.last() != entry)
            shape.append(entry);
    }
    return shape;
}

Output encodeFrames(const QList<QByteArray> &frames, const QString &model)
{
    Output out;
    AnthropicStreamEncoder encoder({model, 0, {}}, downstreamInto(out));
    for (const QByteArray &frame : frames) {
        if (frame.startsWith("data: [DONE]"))
            encoder.streamCompleted(frame);
        else
            encoder.streamFrame(frame, true);
    }
    return out;
}

QJsonObject completionWith(const QJsonObject &message, const QString &finish,
                           const QJsonObject &usage = {})
{
    QJsonObject msg = message;
    msg.insert("role"_L1, "assistant"_L1);
    return QJsonObject{
        {"id"_L1, "chatcmpl-abc123"_L1},
        {"object"_L1, "chat.completion"_L1},
        {"model"_L1, "upstream-model"_L1},
        {"choices"_L1, QJsonArray{QJsonObject{
                           {"index"_L1, 0}, {"message"_L1, msg}, {"finish_reason"_L1, finish}}}},
        {"usage"_L1, usage}};
}

QJsonObject encodeOk(const QJsonObject &completion, const QString &model = u"claude-sonnet-4-5"_s,
                     const QString &stopSequence = {})
{
    const auto result = AnthropicAnswerEncoder::message(completion, model, stopSequence);
    if (const ApiError *error = std::get_if<ApiError>(&result))
        qWarning("encoder failed: %s", qPrintable(error->message));
    return std::get<QJsonObject>(result);
}

} // namespace

class TestAnthropicEncoders final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recordedOpenAiAnswers_data();
    void recordedOpenAiAnswers();
    void anthropicAnswerRoundTrip_data();
    void anthropicAnswerRoundTrip();
    void reasoningBlocks();
    void reasoningFromCapturedStream();
    void unsignedReasoning();
    void refusal();
    void unparseableToolArguments();
    void stopReasons_data();
    void stopReasons();
    void usageCounts();
    void notACompletion();
    void errorTypes_data();
    void errorTypes();
    void anthropicErrorRoundTrip_data();
    void anthropicErrorRoundTrip();

    void openAiStreams_data();
    void openAiStreams();
    void streamSplitAtEveryByte();
    void anthropicStreamRoundTrip_data();
    void anthropicStreamRoundTrip();
    void streamReasoningToolsAndUsage();
    void streamErrorMidStream();
    void streamErrorBeforeStart();
    void streamErrorChunk();
    void streamInterleavedToolArguments();
    void streamUsageFirstAndEstimate();
    void streamEmptyAnswer();
    void streamPing();
};

void TestAnthropicEncoders::recordedOpenAiAnswers_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("stopReason");
    QTest::newRow("text") << u"openai/chat_response_text_recorded.json"_s << u"end_turn"_s;
    QTest::newRow("tool call") << u"openai/chat_response_tool_call_recorded.json"_s
                               << u"tool_use"_s;
    QTest::newRow("parallel tool calls")
        << u"openai/chat_response_parallel_tool_calls_recorded.json"_s << u"tool_use"_s;
    QTest::newRow("length") << u"openai/chat_response_finish_length_recorded.json"_s
                            << u"max_tokens"_s;
}

void TestAnthropicEncoders::recordedOpenAiAnswers()
{
    QFETCH(QString, path);
    QFETCH(QString, stopReason);
    const QJsonObject completion = jsonFixture(path);
    const QJsonObject message = encodeOk(completion, u"claude-haiku-4-5"_s);
    const QJsonObject openAiMessage =
        completion.value("choices"_L1).toArray().first().toObject().value("message"_L1).toObject();

    QCOMPARE(message.value("type"_L1).toString(), u"message"_s);
    QCOMPARE(message.value("role"_L1).toString(), u"assistant"_s);
    QCOMPARE(message.value("model"_L1).toString(), u"claude-haiku-4-5"_s);
    QVERIFY(message.value("id"_L1).toString().startsWith("msg_"_L1));
    QVERIFY(message.value("id"_L1).toString().endsWith(
        completion.value("id"_L1).toString().mid(int(qstrlen("chatcmpl-")))));
    QCOMPARE(message.value("stop_reason"_L1).toString(), stopReason);
    QVERIFY(message.value("stop_sequence"_L1).isNull());

    // Text first, then the calls in order, each with its id, name and parsed arguments.
    QJsonArray expected;
    const QString text = openAiMessage.value("content"_L1).toString();
    if (!text.isEmpty())
        expected.append(QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, text}});
    for (const QJsonValue &value : openAiMessage.value("tool_calls"_L1).toArray()) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value("function"_L1).toObject();
        expected.append(QJsonObject{
            {"type"_L1, "tool_use"_L1},
            {"id"_L1, call.value("id"_L1).toString()},
            {"name"_L1, function.value("name"_L1).toString()},
            {"input"_L1, QJsonDocument::fromJson(function.value("arguments"_L1).toString().toUtf8())
                             .object()}});
    }
    QCOMPARE(message.value("content"_L1).toArray(), expected);

    const QJsonObject usage = completion.value("usage"_L1).toObject();
    const qint64 cached =
        usage.value("prompt_tokens_details"_L1).toObject().value("cached_tokens"_L1).toInteger();
    QCOMPARE(message.value("usage"_L1).toObject(),
             (QJsonObject{{"input_tokens"_L1, usage.value("prompt_tokens"_L1).toInteger() - cached},
                          {"output_tokens"_L1, usage.value("completion_tokens"_L1).toInteger()},
                          {"cache_read_input_tokens"_L1, cached},
                          {"cache_creation_input_tokens"_L1, 0}}));
}

void TestAnthropicEncoders::anthropicAnswerRoundTrip_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("text") << u"anthropic/messages_response_text_recorded.json"_s;
    QTest::newRow("tool use") << u"anthropic/messages_response_tool_use_recorded.json"_s;
    QTest::newRow("parallel tool use")
        << u"anthropic/messages_response_parallel_tool_use.composed.json"_s;
    QTest::newRow("thinking and redacted")
        << u"anthropic/messages_response_thinking.composed.json"_s;
    QTest::newRow("max tokens") << u"anthropic/messages_response_max_tokens.composed.json"_s;
}

// Anthropic -> (anthropic adapter) -> OpenAI Chat -> (this encoder) -> Anthropic gives
// the original back: the two mappings are each other's inverse.
void TestAnthropicEncoders::anthropicAnswerRoundTrip()
{
    QFETCH(QString, path);
    const QJsonObject original = jsonFixture(path);
    const QJsonObject openAi = encodeOpenAiChatResponse(anthropic::decodeMessage(original));
    const QJsonObject message = encodeOk(openAi, original.value("model"_L1).toString());

    QCOMPARE(message.value("id"_L1), original.value("id"_L1));
    QCOMPARE(message.value("model"_L1), original.value("model"_L1));
    QCOMPARE(message.value("stop_reason"_L1), original.value("stop_reason"_L1));
    QCOMPARE(comparableBlocks(message.value("content"_L1).toArray()),
             comparableBlocks(original.value("content"_L1).toArray()));
    QCOMPARE(comparableUsage(message.value("usage"_L1).toObject()),
             comparableUsage(original.value("usage"_L1).toObject()));
}

void TestAnthropicEncoders::reasoningBlocks()
{
    const QJsonObject completion =
        completionWith(QJsonObject{{"content"_L1, "12,231"_L1},
                                   {"reasoning_content"_L1, "step one"_L1},
                                   {"thinking_blocks"_L1,
                                    QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                                           {"thinking"_L1, "step one"_L1},
                                                           {"signature"_L1, "sig-1"_L1}},
                                               QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                                                           {"data"_L1, "opaque=="_L1}}}}},
                       u"stop"_s);
    const QJsonArray content = encodeOk(completion).value("content"_L1).toArray();
    QCOMPARE(content, (QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                              {"thinking"_L1, "step one"_L1},
                                              {"signature"_L1, "sig-1"_L1}},
                                  QJsonObject{{"type"_L1, "redacted_thinking"_L1},
                                              {"data"_L1, "opaque=="_L1}},
                                  QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "12,231"_L1}}}));
}

// StreamCapture's body: text in reasoning_content, signature-only thinking blocks.
void TestAnthropicEncoders::reasoningFromCapturedStream()
{
    const QJsonObject completion = completionWith(
        QJsonObject{{"content"_L1, "hi"_L1},
                    {"reasoning_content"_L1, "thought"_L1},
                    {"thinking_blocks"_L1, QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                                                  {"thinking"_L1, QString()},
                                                                  {"signature"_L1, "sig"_L1}}}}},
        u"stop"_s);
    const QJsonArray content = encodeOk(completion).value("content"_L1).toArray();
    QCOMPARE(content.size(), 2);
    QCOMPARE(content.at(0).toObject(), (QJsonObject{{"type"_L1, "thinking"_L1},
                                                    {"thinking"_L1, "thought"_L1},
                                                    {"signature"_L1, "sig"_L1}}));
}

void TestAnthropicEncoders::unsignedReasoning()
{
    const QJsonObject completion = completionWith(
        QJsonObject{{"content"_L1, "Hello!"_L1}, {"reasoning_content"_L1, "greet back"_L1}},
        u"stop"_s);
    const QJsonArray content = encodeOk(completion).value("content"_L1).toArray();
    QCOMPARE(content, (QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                              {"thinking"_L1, "greet back"_L1},
                                              {"signature"_L1, QString()}},
                                  QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Hello!"_L1}}}));
}

void TestAnthropicEncoders::refusal()
{
    const QJsonObject completion =
        completionWith(QJsonObject{{"content"_L1, QJsonValue(QJsonValue::Null)},
                                   {"refusal"_L1, "I can't help with that."_L1}},
                       u"content_filter"_s);
    const QJsonObject message = encodeOk(completion);
    QCOMPARE(message.value("stop_reason"_L1).toString(), u"refusal"_s);
    QCOMPARE(message.value("content"_L1).toArray(),
             (QJsonArray{
                 QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "I can't help with that."_L1}}}));
}

void TestAnthropicEncoders::unparseableToolArguments()
{
    const QJsonArray calls{
        QJsonObject{{"id"_L1, "call_1"_L1},
                    {"type"_L1, "function"_L1},
                    {"function"_L1,
                     QJsonObject{{"name"_L1, "broken"_L1}, {"arguments"_L1, "{\"a\": "_L1}}}},
        QJsonObject{{"id"_L1, "functions.lookup:1"_L1},
                    {"type"_L1, "function"_L1},
                    {"function"_L1,
                     QJsonObject{{"name"_L1, "lookup"_L1}, {"arguments"_L1, "{\"q\":\"x\"}"_L1}}}},
        QJsonObject{
            {"id"_L1, "call_3"_L1},
            {"type"_L1, "function"_L1},
            {"function"_L1, QJsonObject{{"name"_L1, "noargs"_L1}, {"arguments"_L1, QString()}}}}};
    const QJsonObject completion = completionWith(
        QJsonObject{{"content"_L1, QJsonValue(QJsonValue::Null)}, {"tool_calls"_L1, calls}},
        u"tool_calls"_s);
    const QJsonArray content = encodeOk(completion).value("content"_L1).toArray();
    QCOMPARE(content.size(), 3);
    QCOMPARE(content.at(0).toObject().value("input"_L1).toObject(), QJsonObject{});
    QCOMPARE(content.at(1).toObject().value("input"_L1).toObject(),
             (QJsonObject{{"q"_L1, "x"_L1}}));
    QCOMPARE(content.at(2).toObject().value("input"_L1).toObject(), QJsonObject{});
    // Ids Anthropic would refuse go through the adapter's reversible mapping.
    const QString id = content.at(1).toObject().value("id"_L1).toString();
    QVERIFY(id.startsWith(anthropic::kEncodedToolIdPrefix));
    QCOMPARE(anthropic::fromAnthropicToolId(id), u"functions.lookup:1"_s);
}

void TestAnthropicEncoders::stopReasons_data()
{
    QTest::addColumn<QString>("finish");
    QTest::addColumn<QString>("matched");
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QJsonValue>("stopSequence");
    const QJsonValue null(QJsonValue::Null);
    QTest::newRow("stop") << u"stop"_s << QString() << u"end_turn"_s << null;
    QTest::newRow("stop sequence")
        << u"stop"_s << u"\n\nHuman:"_s << u"stop_sequence"_s << QJsonValue(u"\n\nHuman:"_s);
    QTest::newRow("length") << u"length"_s << QString() << u"max_tokens"_s << null;
    QTest::newRow("length ignores sequence") << u"length"_s << u"END"_s << u"max_tokens"_s << null;
    QTest::newRow("tool_calls") << u"tool_calls"_s << QString() << u"tool_use"_s << null;
    QTest::newRow("content_filter") << u"content_filter"_s << QString() << u"refusal"_s << null;
    QTest::newRow("unknown") << u"something_new"_s << QString() << u"end_turn"_s << null;
}

void TestAnthropicEncoders::stopReasons()
{
    QFETCH(QString, finish);
    QFETCH(QString, matched);
    QFETCH(QString, stopReason);
    QFETCH(QJsonValue, stopSequence);
    const QJsonObject message =
        encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, finish), u"m"_s, matched);
    QCOMPARE(message.value("stop_reason"_L1).toString(), stopReason);
    QCOMPARE(message.value("stop_sequence"_L1), stopSequence);
}

void TestAnthropicEncoders::usageCounts()
{
    // OpenAI counts cached and cache-written tokens inside prompt_tokens; Anthropic
    // counts them apart (the adapter adds them up the other way).
    const QJsonObject usage{
        {"prompt_tokens"_L1, 2360},
        {"completion_tokens"_L1, 121},
        {"total_tokens"_L1, 2481},
        {"prompt_tokens_details"_L1,
         QJsonObject{{"cached_tokens"_L1, 2048}, {"cache_write_tokens"_L1, 300}}}};
    const QJsonObject message =
        encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, u"stop"_s, usage));
    QCOMPARE(message.value("usage"_L1).toObject(),
             (QJsonObject{{"input_tokens"_L1, 12},
                          {"output_tokens"_L1, 121},
                          {"cache_read_input_tokens"_L1, 2048},
                          {"cache_creation_input_tokens"_L1, 300}}));
    // No usage at all: zeros, never negative.
    const QJsonObject none =
        encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, u"stop"_s));
    QCOMPARE(none.value("usage"_L1).toObject().value("input_tokens"_L1).toInteger(), 0);
    TokenUsage odd;
    odd.known = true;
    odd.prompt = 5;
    odd.cached = 10;
    QCOMPARE(AnthropicAnswerEncoder::usage(odd).value("input_tokens"_L1).toInteger(), 0);
}

void TestAnthropicEncoders::notACompletion()
{
    const auto result =
        AnthropicAnswerEncoder::message(QJsonObject{{"object"_L1, "list"_L1}}, u"m"_s);
    QVERIFY(std::holds_alternative<ApiError>(result));
    QCOMPARE(std::get<ApiError>(result).status, 502);
}

void TestAnthropicEncoders::errorTypes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("type");
    QTest::newRow("400") << 400 << u"invalid_request_error"_s;
    QTest::newRow("401") << 401 << u"authentication_error"_s;
    QTest::newRow("403") << 403 << u"permission_error"_s;
    QTest::newRow("404") << 404 << u"not_found_error"_s;
    QTest::newRow("405") << 405 << u"invalid_request_error"_s;
    QTest::newRow("413") << 413 << u"request_too_large"_s;
    QTest::newRow("429") << 429 << u"rate_limit_error"_s;
    QTest::newRow("500") << 500 << u"api_error"_s;
    QTest::newRow("502") << 502 << u"api_error"_s;
    QTest::newRow("503") << 503 << u"overloaded_error"_s;
    QTest::newRow("529") << 529 << u"overloaded_error"_s;
}

void TestAnthropicEncoders::errorTypes()
{
    QFETCH(int, status);
    QFETCH(QString, type);
    // Claude Code reads the upstream's wording: it must arrive untouched.
    const QString message = u"messages.0.content.1: unexpected `tool_use_id` \"x\" \u00e9"_s;
    const ApiError error = ApiError::make(status, u"whatever"_s, u"code"_s, message);
    QCOMPARE(AnthropicAnswerEncoder::error(error),
             (QJsonObject{{"type"_L1, "error"_L1},
                          {"error"_L1, QJsonObject{{"type"_L1, type}, {"message"_L1, message}}}}));
    QCOMPARE(QJsonDocument::fromJson(AnthropicAnswerEncoder::errorBody(error)).object(),
             AnthropicAnswerEncoder::error(error));
}

void TestAnthropicEncoders::anthropicErrorRoundTrip_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("400") << u"anthropic/error_400_invalid_request_recorded.json"_s << 400;
    QTest::newRow("401") << u"anthropic/error_401_authentication.composed.json"_s << 401;
    QTest::newRow("404") << u"anthropic/error_404_not_found_docs.json"_s << 404;
    QTest::newRow("429") << u"anthropic/error_429_rate_limit_recorded.json"_s << 429;
    QTest::newRow("500") << u"anthropic/error_500_api_error.composed.json"_s << 500;
    QTest::newRow("529") << u"anthropic/error_529_overloaded.json"_s << 529;
}

// Anthropic error -> (anthropic adapter) -> ApiError -> this encoder: the same type and
// message as the provider's.
void TestAnthropicEncoders::anthropicErrorRoundTrip()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    const QJsonObject original = jsonFixture(path).value("error"_L1).toObject();
    const ApiError error = anthropic::errorFromAnthropic(status, original, {});
    const QJsonObject rendered = AnthropicAnswerEncoder::error(error).value("error"_L1).toObject();
    QCOMPARE(rendered.value("type"_L1), original.value("type"_L1));
    QCOMPARE(rendered.value("message"_L1), original.value("message"_L1));
}

void TestAnthropicEncoders::openAiStreams_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("stopReason");
    QTest::addColumn<QStringList>("blockTypes");
    const QStringList text{u"text"_s};
    QTest::newRow("openai text") << u"openai/chat_stream_text_include_usage.sse"_s << u"end_turn"_s
                                 << text;
    QTest::newRow("openai tool call")
        << u"openai/chat_stream_tool_call.sse"_s << u"tool_use"_s << QStringList{u"tool_use"_s};
    QTest::newRow("openai parallel tool calls")
        << u"openai/chat_stream_parallel_tool_calls.sse"_s << u"tool_use"_s
        << QStringList{u"tool_use"_s, u"tool_use"_s};
    QTest::newRow("openai length")
        << u"openai/chat_stream_finish_length.sse"_s << u"max_tokens"_s << text;
    QTest::newRow("deepseek reasoning") << u"deepseek/chat_stream_reasoning_content.sse"_s
                                        << u"end_turn"_s << QStringList{u"thinking"_s, u"text"_s};
    QTest::newRow("deepseek tool call usage on finish")
        << u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s << u"tool_use"_s
        << QStringList();
    QTest::newRow("azure content filter")
        << u"azure/chat_stream_finish_content_filter.composed.sse"_s << u"refusal"_s
        << QStringList();
    QTest::newRow("azure parallel tool calls")
        << u"azure/chat_stream_parallel_tool_calls.composed.sse"_s << u"tool_use"_s
        << QStringList();
    QTest::newRow("azure prompt filter first chunk")
        << u"azure/chat_stream_prompt_filter_first_chunk.sse"_s << u"end_turn"_s << QStringList();
    QTest::newRow("azure tool call") << u"azure/chat_stream_tool_call.composed.sse"_s
                                     << u"tool_use"_s << QStringList{u"tool_use"_s};
    QTest::newRow("azure length") << u"azure/chat_stream_finish_length.composed.sse"_s
                                  << u"max_tokens"_s << QStringList{u"text"_s};
}

// Every recorded OpenAI stream gives a grammatical Anthropic stream whose assembled
// message is exactly what the non-stream encoder makes of the same answer reassembled.
void TestAnthropicEncoders::openAiStreams()
{
    QFETCH(QString, path);
    QFETCH(QString, stopReason);
    QFETCH(QStringList, blockTypes);
    const QList<QByteArray> frames = sseFrames(fixture(path));
    const Output out = encodeFrames(frames, u"claude-sonnet-4-5"_s);
    QCOMPARE(grammarError(out), QString());
    const QJsonObject assembled = assemble(out.events);
    QCOMPARE(assembled.value("stop_reason"_L1).toString(), stopReason);
    if (!blockTypes.isEmpty()) {
        QStringList types;
        for (const QJsonValue &block : assembled.value("content"_L1).toArray())
            types.append(block.toObject().value("type"_L1).toString());
        QCOMPARE(types, blockTypes);
    }

    StreamCapture capture;
    for (const QByteArray &frame : frames)
        capture.streamFrame(frame, true);
    const std::optional<CacheEntry> entry = capture.entry();
    QVERIFY(entry.has_value());
    const QJsonObject whole = encodeOk(QJsonDocument::fromJson(entry->body).object());
    QCOMPARE(assembled.value("id"_L1), whole.value("id"_L1));
    QCOMPARE(assembled.value("model"_L1), whole.value("model"_L1));
    QCOMPARE(assembled.value("content"_L1).toArray(), whole.value("content"_L1).toArray());
    QCOMPARE(assembled.value("stop_sequence"_L1), whole.value("stop_sequence"_L1));
    if (!entry->usage.known) {
        QCOMPARE(assembled.value("usage"_L1).toObject().value("output_tokens"_L1).toInteger(), 0);
    } else {
        QCOMPARE(comparableUsage(assembled.value("usage"_L1).toObject()),
                 comparableUsage(whole.value("usage"_L1).toObject()));
    }
}

void TestAnthropicEncoders::streamSplitAtEveryByte()
{
    const QByteArray text = fixture(u"openai/chat_stream_parallel_tool_calls.sse"_s);
    const QList<QByteArray> frames = sseFrames(text);
    const Output whole = encodeFrames(frames, u"m"_s);

    Output split;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(split));
    for (const QByteArray &frame : frames) {
        if (frame.startsWith("data: [DONE]")) {
            encoder.streamCompleted(frame);
            continue;
        }
        for (qsizetype i = 0; i < frame.size(); ++i)
            encoder.streamFrame(frame.mid(i, 1), true);
    }
    QCOMPARE(grammarError(split), QString());
    QCOMPARE(split.raw, whole.raw);
}

void TestAnthropicEncoders::anthropicStreamRoundTrip_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("text docs") << u"anthropic/messages_stream_text_docs.sse"_s;
    QTest::newRow("text recorded") << u"anthropic/messages_stream_text_recorded.sse"_s;
    QTest::newRow("thinking docs") << u"anthropic/messages_stream_thinking_docs.sse"_s;
    QTest::newRow("tool use docs") << u"anthropic/messages_stream_tool_use_docs.sse"_s;
    QTest::newRow("tool use recorded") << u"anthropic/messages_stream_tool_use_recorded.sse"_s;
    QTest::newRow("parallel tool use")
        << u"anthropic/messages_stream_parallel_tool_use.composed.sse"_s;
    QTest::newRow("max tokens") << u"anthropic/messages_stream_max_tokens.composed.sse"_s;
}

// A real Anthropic stream through the anthropic adapter (to OpenAI chunks) and back
// through this encoder: the same event sequence, blocks, stop reason and final usage.
void TestAnthropicEncoders::anthropicStreamRoundTrip()
{
    QFETCH(QString, path);
    const QByteArray original = fixture(path);
    Output source;
    for (const QByteArray &frame : sseFrames(original))
        record(source, frame);
    QCOMPARE(source.formatError, QString());
    const QJsonObject expected = assemble(source.events);

    Output out;
    AnthropicStreamEncoder encoder({expected.value("model"_L1).toString(), 0, {}},
                                   downstreamInto(out));
    AnthropicStreamDecoder decoder(u"fallback"_s, true);
    decoder.feed(original, encoder);
    decoder.finish(encoder);
    QCOMPARE(grammarError(out), QString());
    QCOMPARE(eventShape(out.events), eventShape(source.events));

    const QJsonObject assembled = assemble(out.events);
    // The docs' placeholder id "msg_01..." loses its dots; real ids pass unchanged.
    QCOMPARE(assembled.value("id"_L1).toString(),
             AnthropicAnswerEncoder::messageId(expected.value("id"_L1).toString()));
    QCOMPARE(assembled.value("model"_L1), expected.value("model"_L1));
    QCOMPARE(assembled.value("stop_reason"_L1), expected.value("stop_reason"_L1));
    QCOMPARE(comparableBlocks(assembled.value("content"_L1).toArray()),
             comparableBlocks(expected.value("content"_L1).toArray()));
    const QJsonObject expectedUsage = expected.value("usage"_L1).toObject();
    if (expectedUsage.contains("input_tokens"_L1))
        QCOMPARE(comparableUsage(assembled.value("usage"_L1).toObject()),
                 comparableUsage(expectedUsage));
    else
        QCOMPARE(assembled.value("usage"_L1).toObject().value("output_tokens"_L1).toInteger(),
                 expectedUsage.value("output_tokens"_L1).toInteger()); // docs streams: none
}

namespace {
canonical::StreamEvent ev(canonical::StreamEvent::Kind kind, const QString &text = {})
{
    canonical::StreamEvent event;
    event.kind = kind;
    event.text = text;
    return event;
}
} // namespace

// The relay's own stream (OpenAiStreamEncoder, as every translating kind produces it)
// with signed, redacted and unsigned reasoning, text, two tool calls and usage.
void TestAnthropicEncoders::streamReasoningToolsAndUsage()
{
    using Kind = canonical::StreamEvent::Kind;
    Output out;
    AnthropicStreamEncoder encoder({u"claude-opus-4-1"_s, 0, {}}, downstreamInto(out));
    OpenAiStreamEncoder relay(u"upstream"_s, true);

    canonical::StreamEvent start = ev(Kind::Start);
    start.id = u"chatcmpl-xyz"_s;
    relay.event(start, encoder);
    relay.event(ev(Kind::ReasoningDelta, u"first "_s), encoder);
    relay.event(ev(Kind::ReasoningDelta, u"thought"_s), encoder);
    relay.event(ev(Kind::ReasoningSignature, u"sig-A"_s), encoder);
    canonical::StreamEvent redacted = ev(Kind::ReasoningSignature, u"REDACTED=="_s);
    redacted.redacted = true;
    relay.event(redacted, encoder);
    relay.event(ev(Kind::ReasoningDelta, u"more"_s), encoder);
    relay.event(ev(Kind::TextDelta, u"Calling "_s), encoder);
    relay.event(ev(Kind::TextDelta, u"tools."_s), encoder);
    for (int i = 0; i < 2; ++i) {
        canonical::StreamEvent call = ev(Kind::ToolCallStart);
        call.index = i;
        call.id = i == 0 ? u"toolu_01abc"_s : u"call|2"_s;
        call.name = u"tool%1"_s.arg(i);
        call.arguments = u"{\"n\":"_s;
        relay.event(call, encoder);
        canonical::StreamEvent more = ev(Kind::ToolCallDelta);
        more.index = i;
        more.arguments = u"%1}"_s.arg(i);
        relay.event(more, encoder);
    }
    canonical::StreamEvent finish = ev(Kind::Finish);
    finish.finishReason = canonical::finish::ToolCalls;
    relay.event(finish, encoder);
    canonical::StreamEvent usage = ev(Kind::Usage);
    usage.usage = TokenUsage{1000, 50, 600, 100, 20, true};
    relay.event(usage, encoder);
    relay.complete(encoder);

    QCOMPARE(grammarError(out), QString());
    const QJsonObject message = assemble(out.events);
    QCOMPARE(message.value("id"_L1).toString(), u"msg_xyz"_s);
    QCOMPARE(message.value("model"_L1).toString(), u"claude-opus-4-1"_s);
    QCOMPARE(message.value("stop_reason"_L1).toString(), u"tool_use"_s);
    QCOMPARE(
        message.value("content"_L1).toArray(),
        (QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                {"thinking"_L1, "first thought"_L1},
                                {"signature"_L1, "sig-A"_L1}},
                    QJsonObject{{"type"_L1, "redacted_thinking"_L1}, {"data"_L1, "REDACTED=="_L1}},
                    QJsonObject{{"type"_L1, "thinking"_L1},
                                {"thinking"_L1, "more"_L1},
                                {"signature"_L1, QString()}},
                    QJsonObject{{"type"_L1, "text"_L1}, {"text"_L1, "Calling tools."_L1}},
                    QJsonObject{{"type"_L1, "tool_use"_L1},
                                {"id"_L1, "toolu_01abc"_L1},
                                {"name"_L1, "tool0"_L1},
                                {"input"_L1, QJsonObject{{"n"_L1, 0}}}},
                    QJsonObject{{"type"_L1, "tool_use"_L1},
                                {"id"_L1, anthropic::toAnthropicToolId(u"call|2"_s)},
                                {"name"_L1, "tool1"_L1},
                                {"input"_L1, QJsonObject{{"n"_L1, 1}}}}}));
    // Usage reached the encoder through streamUsage only (the client did not ask for
    // the usage chunk): message_delta carries all of it.
    const QJsonObject last = out.events.at(out.events.size() - 2).data;
    QCOMPARE(last.value("usage"_L1).toObject(),
             (QJsonObject{{"input_tokens"_L1, 300},
                          {"output_tokens"_L1, 50},
                          {"cache_read_input_tokens"_L1, 600},
                          {"cache_creation_input_tokens"_L1, 100}}));
    // The signature is sent on the block it closes, before that block stops.
    QStringList names;
    for (const Event &event : out.events)
        names.append(
            event.name +
            (event.name == "content_block_delta"_L1
                 ? u":"_s + event.data.value("delta"_L1).toObject().value("type"_L1).toString()
                 : QString()));
    QCOMPARE(names.mid(0, 7), (QStringList{u"message_start"_s, u"content_block_start"_s,
                                           u"content_block_delta:thinking_delta"_s,
                                           u"content_block_delta:thinking_delta"_s,
                                           u"content_block_delta:signature_delta"_s,
                                           u"content_block_stop"_s, u"content_block_start"_s}));
}

void TestAnthropicEncoders::streamErrorMidStream()
{
    const QList<QByteArray> frames =
        sseFrames(fixture(u"openai/chat_stream_text_include_usage.sse"_s));
    Output out;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(out));
    encoder.streamFrame(frames.at(0), false);
    encoder.streamFrame(frames.at(1), true);
    encoder.streamFrame(frames.at(2), true);
    QVERIFY(encoder.started());
    const ApiError error =
        ApiError::make(503, u"server_error"_s, u"overloaded"_s, u"Overloaded"_s, true);
    encoder.streamFailed(error);
    // Nothing after the error, whatever else arrives.
    encoder.streamFrame(frames.at(3), true);
    encoder.streamFailed(error);
    encoder.streamCompleted("data: [DONE]\n\n");
    QVERIFY(encoder.ended());
    QCOMPARE(grammarError(out), QString());
    QVERIFY(out.failed);
    QVERIFY(!out.completed);
    QCOMPARE(out.events.last().data,
             (QJsonObject{{"type"_L1, "error"_L1},
                          {"error"_L1, QJsonObject{{"type"_L1, "overloaded_error"_L1},
                                                   {"message"_L1, "Overloaded"_L1}}}}));
    // Anthropic's own overloaded event, as the docs show it, reads the same to an SDK.
    const QByteArray docs = fixture(u"anthropic/stream_error_event_overloaded_docs.sse"_s);
    Output reference;
    record(reference, sseFrames(docs).first());
    QCOMPARE(out.events.last().name, reference.events.first().name);
    QCOMPARE(out.events.last().data, reference.events.first().data);
    QVERIFY(out.raw.last().startsWith("event: error\ndata: {"));
}

void TestAnthropicEncoders::streamErrorBeforeStart()
{
    Output out;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(out));
    encoder.streamFailed(
        ApiError::make(429, u"requests"_s, u"rate_limit_exceeded"_s, u"slow down"_s, true));
    // Nothing went out, so the gateway can still answer with an HTTP error.
    QVERIFY(!encoder.started());
    QVERIFY(out.failed);
    QCOMPARE(out.events.size(), 1);
    QCOMPARE(out.events.first().data.value("error"_L1).toObject().value("type"_L1).toString(),
             u"rate_limit_error"_s);
}

void TestAnthropicEncoders::streamErrorChunk()
{
    Output out;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(out));
    encoder.streamFrame(
        R"(data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})"
        "\n\n",
        true);
    encoder.streamFrame(
        R"(data: {"error":{"message":"The server had an error","type":"server_error"}})"
        "\n\n",
        false);
    QCOMPARE(grammarError(out), QString());
    QVERIFY(out.failed);
    QCOMPARE(out.events.last().data.value("error"_L1).toObject().value("message"_L1).toString(),
             u"The server had an error"_s);
}

void TestAnthropicEncoders::streamInterleavedToolArguments()
{
    Output out;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(out));
    auto call = [&encoder](const char *json) {
        encoder.streamFrame(
            QByteArray(
                "data: "
                "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[") +
                json + "]},\"finish_reason\":null}]}\n\n",
            true);
    };
    call(
        R"({"index":0,"id":"call_a","type":"function","function":{"name":"a","arguments":"{\"x\":"}})");
    call(R"({"index":1,"id":"call_b","type":"function","function":{"name":"b","arguments":"{}"}})");
    call(R"({"index":0,"function":{"arguments":"1}"}})");
    encoder.streamCompleted("data: [DONE]\n\n");
    QCOMPARE(grammarError(out), QString());
    QVERIFY(out.failed);
    QCOMPARE(out.events.last().data.value("error"_L1).toObject().value("type"_L1).toString(),
             u"api_error"_s);
}

void TestAnthropicEncoders::streamUsageFirstAndEstimate()
{
    const QList<QByteArray> frames =
        sseFrames(fixture(u"openai/chat_stream_text_include_usage.sse"_s));
    {
        // The caller's estimate stands in until the real counts come in message_delta.
        const Output out = [&frames] {
            Output o;
            AnthropicStreamEncoder encoder({u"m"_s, 17, {}}, downstreamInto(o));
            for (const QByteArray &frame : frames)
                frame.startsWith("data: [DONE]") ? encoder.streamCompleted(frame)
                                                 : encoder.streamFrame(frame, true);
            return o;
        }();
        QCOMPARE(grammarError(out), QString());
        const QJsonObject startUsage =
            out.events.first().data.value("message"_L1).toObject().value("usage"_L1).toObject();
        QCOMPARE(startUsage.value("input_tokens"_L1).toInteger(), 17);
        QCOMPARE(startUsage.value("output_tokens"_L1).toInteger(), 0);
        const QJsonObject endUsage =
            out.events.at(out.events.size() - 2).data.value("usage"_L1).toObject();
        QCOMPARE(endUsage.value("input_tokens"_L1).toInteger(), 14);
        QCOMPARE(endUsage.value("output_tokens"_L1).toInteger(), 30);
    }
    {
        // Usage known before the first frame goes into message_start.
        Output out;
        AnthropicStreamEncoder encoder({u"m"_s, 17, {}}, downstreamInto(out));
        encoder.streamUsage(TokenUsage{40, 0, 30, 0, 0, true});
        encoder.streamFrame(frames.first(), false);
        const QJsonObject startUsage =
            out.events.first().data.value("message"_L1).toObject().value("usage"_L1).toObject();
        QCOMPARE(startUsage.value("input_tokens"_L1).toInteger(), 10);
        QCOMPARE(startUsage.value("cache_read_input_tokens"_L1).toInteger(), 30);
    }
}

void TestAnthropicEncoders::streamEmptyAnswer()
{
    Output out;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(out));
    encoder.streamCompleted("data: [DONE]\n\n");
    QCOMPARE(grammarError(out), QString());
    QStringList names;
    for (const Event &event : out.events)
        names.append(event.name);
    QCOMPARE(names, (QStringList{u"message_start"_s, u"message_delta"_s, u"message_stop"_s}));
    QVERIFY(out.completed);
    QCOMPARE(out.raw.last(),
             QByteArray("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
}

void TestAnthropicEncoders::streamPing()
{
    Output out;
    AnthropicStreamEncoder encoder({u"m"_s, 0, {}}, downstreamInto(out));
    encoder.ping(); // nothing before message_start
    QCOMPARE(out.raw.size(), 0);
    encoder.streamFrame(
        R"(data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]})"
        "\n\n",
        false);
    encoder.ping();
    QCOMPARE(out.events.last().name, u"ping"_s);
    encoder.streamCompleted("data: [DONE]\n\n");
    encoder.ping(); // nothing after the end
    QCOMPARE(out.events.last().name, u"message_stop"_s);
    QCOMPARE(grammarError(out), QString());
}

QTEST_GUILESS_MAIN(TestAnthropicEncoders)
#include "tst_anthropic_encoders.moc"
