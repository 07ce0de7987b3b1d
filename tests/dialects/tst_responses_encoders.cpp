// The OpenAI Responses dialect's answer side: the relay's OpenAI Chat answers (whole
// bodies and chunk streams) rendered as Responses `response` objects, stream events and
// errors. Checked with golden encodes of the recorded OpenAI and DeepSeek answers; with
// the grammar the openai SDKs' stream helpers and Codex rely on, on every recorded
// OpenAI-format stream whole and split at every byte (and agreement with the non-stream
// encoder on the same answer); and against the recorded Responses bodies and stream for
// event names and field sets.

#include "FakeDialect.h"
#include "cache/StreamCapture.h"
#include "dialects/OpenAiResponsesAnswerEncoder.h"
#include "dialects/OpenAiResponsesClient.h"
#include "dialects/OpenAiResponsesRequestDecoder.h"
#include "dialects/OpenAiResponsesStreamEncoder.h"
#include "openai/OpenAiStreamEncoder.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <optional>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

using Encoder = OpenAiResponsesAnswerEncoder;

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

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (!doc.isObject())
        qFatal("bad JSON in the test: %s", qPrintable(error.errorString()));
    return doc.object();
}

QJsonObject merged(QJsonObject base, const QJsonObject &more)
{
    for (auto it = more.begin(); it != more.end(); ++it)
        base.insert(it.key(), it.value());
    return base;
}

// Frames as a relay writes them: one "data: ...\n\n" event per call.
using onegate::test::sseFrames;

struct Event {
    QString name;
    QJsonObject data;
};

// What a client reads: every event written, then the one handed to completed / failed.
struct Output {
    QList<QByteArray> raw;
    QList<Event> events;
    QList<bool> contentFlags; // of the written events
    bool completed = false;
    bool failed = false;
    int callbacksAfterEnd = 0;
    QString formatError; // first event not formatted as OpenAI formats them
};

void record(Output &out, const QByteArray &raw)
{
    out.raw.append(raw);
    static const QRegularExpression shape(u"^event: ([a-z_.]+)\ndata: (\\{[^\n]*\\})\n\n$"_s);
    const QRegularExpressionMatch match = shape.match(QString::fromUtf8(raw));
    if (!match.hasMatch()) {
        if (out.formatError.isEmpty())
            out.formatError = QString::fromUtf8(raw);
        return;
    }
    out.events.append(
        {match.captured(1), QJsonDocument::fromJson(match.captured(2).toUtf8()).object()});
}

StreamOutlet outletInto(Output &out)
{
    StreamOutlet outlet;
    outlet.write = [&out](const QByteArray &event, bool content) {
        if (out.completed || out.failed)
            ++out.callbacksAfterEnd;
        record(out, event);
        out.contentFlags.append(content);
    };
    outlet.completed = [&out](const QByteArray &event) {
        if (out.completed || out.failed)
            ++out.callbacksAfterEnd;
        out.completed = true;
        record(out, event);
    };
    outlet.failed = [&out](const QByteArray &event, const ApiError &) {
        if (out.completed || out.failed)
            ++out.callbacksAfterEnd;
        out.failed = true;
        record(out, event);
    };
    return outlet;
}

bool isTerminal(const QString &name)
{
    return name == "response.completed"_L1 || name == "response.incomplete"_L1 ||
           name == "response.failed"_L1;
}

// The grammar the openai SDKs' stream helpers and Codex rely on; empty when the events
// follow it. Stricter than the API in one way: one item open at a time.
QString grammarError(const QList<Event> &events, bool endsFailed)
{
    if (events.isEmpty())
        return u"no events"_s;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject &data = events.at(i).data;
        if (data.value("type"_L1).toString() != events.at(i).name)
            return u"event %1: data type differs from its name"_s.arg(i);
        if (!data.value("sequence_number"_L1).isDouble() ||
            data.value("sequence_number"_L1).toInteger(-1) != i)
            return u"event %1: sequence_number is not %1"_s.arg(i);
    }
    const bool failedAlone = events.size() == 1 && events.first().name == "response.failed"_L1;
    QString responseId;
    qsizetype i = 0;
    if (!failedAlone) {
        if (events.first().name != "response.created"_L1)
            return u"first event is not response.created"_s;
        if (events.size() < 2 || events.at(1).name != "response.in_progress"_L1)
            return u"second event is not response.in_progress"_s;
        responseId = events.first().data.value("response"_L1).toObject().value("id"_L1).toString();
        if (!responseId.startsWith("resp_"_L1))
            return u"response id %1"_s.arg(responseId);
        for (i = 0; i < 2; ++i) {
            const QJsonObject response = events.at(i).data.value("response"_L1).toObject();
            if (response.value("id"_L1).toString() != responseId ||
                response.value("status"_L1).toString() != "in_progress"_L1 ||
                response.value("output"_L1).toArray() != QJsonArray{} ||
                !response.value("usage"_L1).isNull())
                return u"%1: not the response in progress"_s.arg(events.at(i).name);
        }
    }

    struct Part {
        QString type;
        QString text;
    };
    struct Item {
        QString id;
        QString type;
        QJsonObject added;
        QList<Part> parts;
        bool partOpen = false;
        QString arguments;
    };
    std::optional<Item> open;
    QJsonArray done;
    for (; i < events.size(); ++i) {
        const QString &name = events.at(i).name;
        const QJsonObject &data = events.at(i).data;
        const QString where = u"event %1 (%2): "_s.arg(i).arg(name);
        if (isTerminal(name) && i != events.size() - 1)
            return where + u"terminal event before the end"_s;
        const bool refersToItem = data.contains("item_id"_L1);
        if (refersToItem && (!open || data.value("item_id"_L1).toString() != open->id ||
                             data.value("output_index"_L1).toInteger(-1) != done.size()))
            return where + u"refers to an item that is not open"_s;
        const bool refersToPart = data.contains("content_index"_L1);
        const auto partKind = [&name]() -> QString {
            if (name.startsWith("response.output_text."_L1))
                return u"output_text"_s;
            if (name.startsWith("response.refusal."_L1))
                return u"refusal"_s;
            if (name.startsWith("response.reasoning_text."_L1))
                return u"reasoning_text"_s;
            return {};
        }();
        if (!partKind.isEmpty()) {
            if (!refersToPart || !open || !open->partOpen ||
                data.value("content_index"_L1).toInteger(-1) != open->parts.size() - 1 ||
                open->parts.last().type != partKind)
                return where + u"not for the open part"_s;
        }

        if (name == "response.created"_L1 || name == "response.in_progress"_L1) {
            return where + u"second one"_s;
        } else if (name == "response.output_item.added"_L1) {
            if (open)
                return where + u"item added while another is open"_s;
            if (data.value("output_index"_L1).toInteger(-1) != done.size())
                return where + u"output_index out of order"_s;
            const QJsonObject item = data.value("item"_L1).toObject();
            Item state;
            state.id = item.value("id"_L1).toString();
            state.type = item.value("type"_L1).toString();
            state.added = item;
            const QString prefix = state.type == "message"_L1         ? u"msg_"_s
                                   : state.type == "reasoning"_L1     ? u"rs_"_s
                                   : state.type == "function_call"_L1 ? u"fc_"_s
                                                                      : QString();
            if (prefix.isEmpty() || !state.id.startsWith(prefix))
                return where + u"item %1 of type %2"_s.arg(state.id, state.type);
            if (state.type == "message"_L1 &&
                (item.value("status"_L1).toString() != "in_progress"_L1 ||
                 item.value("role"_L1).toString() != "assistant"_L1 ||
                 item.value("content"_L1).toArray() != QJsonArray{}))
                return where + u"message not in progress"_s;
            if (state.type == "function_call"_L1 &&
                (item.value("status"_L1).toString() != "in_progress"_L1 ||
                 item.value("arguments"_L1).toString() != QString() ||
                 item.value("call_id"_L1).toString().isEmpty()))
                return where + u"function call not in progress"_s;
            open = state;
        } else if (name == "response.content_part.added"_L1) {
            const QJsonObject part = data.value("part"_L1).toObject();
            const QString type = part.value("type"_L1).toString();
            if (!open || open->partOpen)
                return where + u"part added while another is open"_s;
            if (data.value("content_index"_L1).toInteger(-1) != open->parts.size())
                return where + u"content_index out of order"_s;
            const bool fits = open->type == "message"_L1
                                  ? type == "output_text"_L1 || type == "refusal"_L1
                                  : open->type == "reasoning"_L1 && type == "reasoning_text"_L1;
            if (!fits ||
                !part.value(type == "refusal"_L1 ? "refusal"_L1 : "text"_L1).toString().isEmpty())
                return where + u"part %1 in a %2"_s.arg(type, open->type);
            open->parts.append({type, {}});
            open->partOpen = true;
        } else if (name == "response.output_text.delta"_L1 || name == "response.refusal.delta"_L1 ||
                   name == "response.reasoning_text.delta"_L1) {
            open->parts.last().text += data.value("delta"_L1).toString();
        } else if (name == "response.output_text.done"_L1 ||
                   name == "response.reasoning_text.done"_L1) {
            if (data.value("text"_L1).toString() != open->parts.last().text)
                return where + u"text differs from its deltas"_s;
        } else if (name == "response.refusal.done"_L1) {
            if (data.value("refusal"_L1).toString() != open->parts.last().text)
                return where + u"refusal differs from its deltas"_s;
        } else if (name == "response.content_part.done"_L1) {
            if (!refersToPart || !open || !open->partOpen ||
                data.value("content_index"_L1).toInteger(-1) != open->parts.size() - 1)
                return where + u"not for the open part"_s;
            const QJsonObject part = data.value("part"_L1).toObject();
            const Part &mine = open->parts.last();
            if (part.value("type"_L1).toString() != mine.type ||
                part.value(mine.type == "refusal"_L1 ? "refusal"_L1 : "text"_L1).toString() !=
                    mine.text)
                return where + u"part differs from its deltas"_s;
            open->partOpen = false;
        } else if (name == "response.function_call_arguments.delta"_L1) {
            if (!refersToItem || open->type != "function_call"_L1)
                return where + u"not for a function call"_s;
            open->arguments += data.value("delta"_L1).toString();
        } else if (name == "response.function_call_arguments.done"_L1) {
            if (!refersToItem || open->type != "function_call"_L1 ||
                data.value("arguments"_L1).toString() != open->arguments)
                return where + u"arguments differ from their deltas"_s;
        } else if (name == "response.output_item.done"_L1) {
            if (!open || data.value("output_index"_L1).toInteger(-1) != done.size())
                return where + u"no such item open"_s;
            if (open->partOpen)
                return where + u"item done with a part open"_s;
            const QJsonObject item = data.value("item"_L1).toObject();
            if (item.value("id"_L1).toString() != open->id ||
                item.value("type"_L1).toString() != open->type)
                return where + u"not the item added"_s;
            const QString status = item.value("status"_L1).toString();
            if (open->type == "message"_L1) {
                const QJsonArray content = item.value("content"_L1).toArray();
                if (status != "completed"_L1 && status != "incomplete"_L1)
                    return where + u"message status %1"_s.arg(status);
                if (content.size() != open->parts.size())
                    return where + u"message parts differ"_s;
                for (qsizetype p = 0; p < content.size(); ++p) {
                    const QJsonObject part = content.at(p).toObject();
                    const Part &mine = open->parts.at(p);
                    if (part.value("type"_L1).toString() != mine.type ||
                        part.value(mine.type == "refusal"_L1 ? "refusal"_L1 : "text"_L1)
                                .toString() != mine.text)
                        return where + u"message part %1 differs"_s.arg(p);
                }
            } else if (open->type == "reasoning"_L1) {
                if (item.value("summary"_L1).toArray() != QJsonArray{})
                    return where + u"reasoning summary"_s;
                QJsonArray expected;
                for (const Part &part : std::as_const(open->parts))
                    expected.append(QJsonObject{{"type"_L1, part.type}, {"text"_L1, part.text}});
                if (open->parts.isEmpty() ? item.contains("content"_L1)
                                          : item.value("content"_L1).toArray() != expected)
                    return where + u"reasoning content differs"_s;
                if (open->parts.isEmpty() &&
                    item.value("encrypted_content"_L1).toString().isEmpty())
                    return where + u"an empty reasoning item"_s;
            } else {
                if (status != "completed"_L1 && status != "incomplete"_L1)
                    return where + u"function call status %1"_s.arg(status);
                if (item.value("arguments"_L1).toString() != open->arguments ||
                    item.value("call_id"_L1) != open->added.value("call_id"_L1) ||
                    item.value("name"_L1).toString().isEmpty())
                    return where + u"function call differs"_s;
            }
            done.append(item);
            open.reset();
        } else if (isTerminal(name)) {
            const QJsonObject response = data.value("response"_L1).toObject();
            const QString status = response.value("status"_L1).toString();
            if (!failedAlone && response.value("id"_L1).toString() != responseId)
                return where + u"another response id"_s;
            if (name == "response.completed"_L1 &&
                (status != "completed"_L1 || !response.value("incomplete_details"_L1).isNull()))
                return where + u"status %1"_s.arg(status);
            if (name == "response.incomplete"_L1 &&
                (status != "incomplete"_L1 || response.value("incomplete_details"_L1)
                                                  .toObject()
                                                  .value("reason"_L1)
                                                  .toString()
                                                  .isEmpty()))
                return where + u"status %1 without a reason"_s.arg(status);
            if (name == "response.failed"_L1) {
                const QJsonObject error = response.value("error"_L1).toObject();
                if (status != "failed"_L1 || error.value("code"_L1).toString().isEmpty() ||
                    !error.value("message"_L1).isString())
                    return where + u"not a failed response"_s;
            } else if (open) {
                return where + u"the response ends with an item open"_s;
            }
            if (response.value("output"_L1).toArray() != done)
                return where + u"the final output is not the items done"_s;
        } else {
            return where + u"unknown event"_s;
        }
    }
    const QString last = events.last().name;
    if (endsFailed)
        return last == "response.failed"_L1 ? QString() : u"failure without response.failed"_s;
    if (last != "response.completed"_L1 && last != "response.incomplete"_L1)
        return u"does not end with response.completed"_s;
    return {};
}

QString grammarError(const Output &out)
{
    if (!out.formatError.isEmpty())
        return u"badly formatted event: "_s + out.formatError;
    if (out.callbacksAfterEnd > 0)
        return u"events after the end"_s;
    if (!out.completed && !out.failed)
        return u"the stream did not end"_s;
    return grammarError(out.events, out.failed);
}

QJsonObject finalResponse(const Output &out)
{
    return out.events.isEmpty() ? QJsonObject()
                                : out.events.last().data.value("response"_L1).toObject();
}

QStringList itemTypes(const QJsonObject &response)
{
    QStringList types;
    for (const QJsonValue &item : response.value("output"_L1).toArray())
        types.append(item.toObject().value("type"_L1).toString());
    return types;
}

void feedFrames(OpenAiResponsesStreamEncoder &encoder, const QList<QByteArray> &frames)
{
    for (const QByteArray &frame : frames) {
        if (frame.startsWith("data: [DONE]"))
            encoder.streamCompleted(frame);
        else
            encoder.streamFrame(frame, true);
    }
}

Output encodeFrames(const QList<QByteArray> &frames, const QString &model = u"gpt-5-codex"_s,
                    const QJsonObject &request = {})
{
    Output out;
    OpenAiResponsesStreamEncoder encoder({model, request}, outletInto(out));
    feedFrames(encoder, frames);
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
        {"created"_L1, 1700000000},
        {"model"_L1, "upstream-model"_L1},
        {"choices"_L1, QJsonArray{QJsonObject{
                           {"index"_L1, 0}, {"message"_L1, msg}, {"finish_reason"_L1, finish}}}},
        {"usage"_L1, usage}};
}

QJsonObject encodeOk(const QJsonObject &completion, const QString &model = u"gpt-5-codex"_s,
                     const QJsonObject &request = {})
{
    const auto result = Encoder::response(completion, model, request);
    if (const ApiError *error = std::get_if<ApiError>(&result))
        qWarning("encoder failed: %s", qPrintable(error->message));
    return std::get<QJsonObject>(result);
}

// Every response's fields that do not depend on the answer, for a request that set none
// of the echoed fields: the API's defaults, and OneGate's stateless store / previous id.
const char kDefaultFields[] = R"({
  "object": "response", "error": null,
  "instructions": null, "max_output_tokens": null, "parallel_tool_calls": true,
  "previous_response_id": null, "reasoning": {"effort": null, "summary": null},
  "store": false, "temperature": 1.0, "text": {"format": {"type": "text"}},
  "tool_choice": "auto", "tools": [], "top_p": 1.0, "truncation": "disabled",
  "user": null, "metadata": {}
})";

QSet<QString> keysOf(const QJsonObject &object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.begin(), keys.end());
}

QString sorted(const QSet<QString> &set)
{
    QStringList list(set.begin(), set.end());
    list.sort();
    return list.join(u", "_s);
}

// `ours` has every field `theirs` has, and nothing beyond `allowedExtra`; fields both
// have are of the same JSON type (or null on one side). Empty when so.
QString fieldSetError(const QString &what, const QJsonObject &ours, const QJsonObject &theirs,
                      const QSet<QString> &allowedExtra = {})
{
    const QSet<QString> missing = keysOf(theirs) - keysOf(ours);
    if (!missing.isEmpty())
        return what + u": missing "_s + sorted(missing);
    const QSet<QString> extra = keysOf(ours) - keysOf(theirs) - allowedExtra;
    if (!extra.isEmpty())
        return what + u": extra "_s + sorted(extra);
    for (const QString &key : theirs.keys()) {
        const QJsonValue a = ours.value(key);
        const QJsonValue b = theirs.value(key);
        if (a.type() != b.type() && !a.isNull() && !b.isNull())
            return what + u": "_s + key + u" has another JSON type"_s;
    }
    return {};
}

} // namespace

class TestResponsesEncoders final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void answerGoldens_data();
    void answerGoldens();
    void answerShapeMatchesRecordedResponses_data();
    void answerShapeMatchesRecordedResponses();
    void requestEcho();
    void reasoningBlocks();
    void reasoningFromCapturedStream();
    void textAndRefusal();
    void contentFilterIsIncomplete();
    void toolCallsAfterLengthCut();
    void usageCounts();
    void ids();
    void notACompletion();
    void errorBodies();
    void responseErrorCodes_data();
    void responseErrorCodes();

    void streams_data();
    void streams();
    void streamSplitAtEveryByte_data();
    void streamSplitAtEveryByte();
    void streamMatchesRecordedResponsesStream();
    void grammarCheckerCatchesBrokenStreams_data();
    void grammarCheckerCatchesBrokenStreams();
    void streamContentFlags();
    void streamReasoningToolsAndUsage();
    void streamRefusal();
    void streamErrorMidStream();
    void streamErrorBeforeStart();
    void streamErrorChunk();
    void streamInterleavedToolArguments();
    void streamEmptyAnswer();
    void streamEchoesRequest();
    void namespacedCallsComeBackNamespaced();

    void clientAnswers();
    void clientStreamErrorContinuesTheStream();
    void clientStreamErrorWithoutTranslator();
};

void TestResponsesEncoders::answerGoldens_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("golden"); // the fields beyond kDefaultFields
    QTest::newRow("text") << u"openai/chat_response_text_recorded.json"_s << QByteArray(R"({
      "id": "resp_ABfvaueLEMLNYbT8YzpJxsmiQ6HSY", "created_at": 1727346142,
      "model": "gpt-5-codex", "status": "completed", "incomplete_details": null,
      "output": [{
        "id": "msg_ABfvaueLEMLNYbT8YzpJxsmiQ6HSY", "type": "message", "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "annotations": [], "logprobs": [],
          "text": "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or app like the Weather Channel or a local news station."}]
      }],
      "usage": {"input_tokens": 14, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 37, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 51}
    })");
    QTest::newRow("tool call") << u"openai/chat_response_tool_call_recorded.json"_s
                               << QByteArray(R"({
      "id": "resp_ABfvzdvCI6RaIkiEFNjqGXCSYnlzf", "created_at": 1727346167,
      "model": "gpt-5-codex", "status": "completed", "incomplete_details": null,
      "output": [{
        "id": "fc_ABfvzdvCI6RaIkiEFNjqGXCSYnlzf", "type": "function_call", "status": "completed",
        "call_id": "call_CUdUoJpsWWVdxXntucvnol1M", "name": "get_weather",
        "arguments": "{\"city\":\"San Francisco\",\"state\":\"CA\"}"
      }],
      "usage": {"input_tokens": 48, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 19, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 67}
    })");
    QTest::newRow("parallel tool calls")
        << u"openai/chat_response_parallel_tool_calls_recorded.json"_s << QByteArray(R"({
      "id": "resp_ABfvyvfNWKcl7Ohqos4UFrmMs1v4C", "created_at": 1727346166,
      "model": "gpt-5-codex", "status": "completed", "incomplete_details": null,
      "output": [{
        "id": "fc_ABfvyvfNWKcl7Ohqos4UFrmMs1v4C", "type": "function_call", "status": "completed",
        "call_id": "call_fdNz3vOBKYgOIpMdWotB9MjY", "name": "GetWeatherArgs",
        "arguments": "{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}"
      }, {
        "id": "fc_ABfvyvfNWKcl7Ohqos4UFrmMs1v4C_1", "type": "function_call", "status": "completed",
        "call_id": "call_h1DWI1POMJLb0KwIyQHWXD4p", "name": "get_stock_price",
        "arguments": "{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}"
      }],
      "usage": {"input_tokens": 149, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 60, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 209}
    })");
    QTest::newRow("length") << u"openai/chat_response_finish_length_recorded.json"_s
                            << QByteArray(R"({
      "id": "resp_ABfvvX7eB1KsfeZj8VcF3z7G7SbaA", "created_at": 1727346163,
      "model": "gpt-5-codex", "status": "incomplete",
      "incomplete_details": {"reason": "max_output_tokens"},
      "output": [{
        "id": "msg_ABfvvX7eB1KsfeZj8VcF3z7G7SbaA", "type": "message", "status": "incomplete",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "{\"", "annotations": [], "logprobs": []}]
      }],
      "usage": {"input_tokens": 79, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 1, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 80}
    })");
    QTest::newRow("refusal") << u"openai/chat_response_refusal_recorded.json"_s << QByteArray(R"({
      "id": "resp_ABfvwoKVWPQj2UPlAcAKM7s40GsRx", "created_at": 1727346164,
      "model": "gpt-5-codex", "status": "completed", "incomplete_details": null,
      "output": [{
        "id": "msg_ABfvwoKVWPQj2UPlAcAKM7s40GsRx", "type": "message", "status": "completed",
        "role": "assistant",
        "content": [{"type": "refusal", "refusal": "I'm very sorry, but I can't assist with that."}]
      }],
      "usage": {"input_tokens": 79, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 12, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 91}
    })");
    QTest::newRow("deepseek reasoning")
        << u"deepseek/chat_response_reasoning_content.json"_s << QByteArray(R"({
      "id": "resp_1c416330-2dca-4478-a1ac-1257d6512c7d", "created_at": 1758977545,
      "model": "gpt-5-codex", "status": "completed", "incomplete_details": null,
      "output": [{
        "id": "rs_1c416330-2dca-4478-a1ac-1257d6512c7d", "type": "reasoning", "summary": [],
        "content": [{"type": "reasoning_text",
          "text": "Hmm, the user just said \"Hello!\" with an exclamation mark, so they seem cheerful and friendly. This is a simple greeting, so no complex analysis needed. \n\nI should mirror their friendly tone while keeping it warm and professional. A straightforward welcoming response would work best here - acknowledge the greeting, express readiness to help, and leave the conversation open-ended for them to steer. \n\nNo need to overthink this. A simple \"Hello!\" in return, followed by a standard offer of assistance, covers all bases. The exclamation mark matches their energy level appropriately."}]
      }, {
        "id": "msg_1c416330-2dca-4478-a1ac-1257d6512c7d", "type": "message", "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "Hello! How can I help you today?", "annotations": [], "logprobs": []}]
      }],
      "usage": {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 9, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 21}
    })");
}

// Every field of the encoded response, for each recorded answer.
void TestResponsesEncoders::answerGoldens()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, golden);
    const QJsonObject response = encodeOk(jsonFixture(path));
    QCOMPARE(response, merged(json(kDefaultFields), json(golden)));
}

void TestResponsesEncoders::answerShapeMatchesRecordedResponses_data()
{
    QTest::addColumn<QString>("recorded");
    QTest::addColumn<QString>("answer");
    QTest::newRow("text spec") << u"openai/responses_response_text_spec.json"_s
                               << u"openai/chat_response_text_recorded.json"_s;
    QTest::newRow("text recorded") << u"openai/responses_response_text_recorded.json"_s
                                   << u"openai/chat_response_text_recorded.json"_s;
    QTest::newRow("function call spec") << u"openai/responses_response_function_call_spec.json"_s
                                        << u"openai/chat_response_tool_call_recorded.json"_s;
    QTest::newRow("reasoning spec") << u"openai/responses_response_reasoning_spec.json"_s
                                    << u"deepseek/chat_response_reasoning_content.json"_s;
}

// The response carries the fields every recorded Responses body has, nothing no recorded
// body has, and items and usage shaped as the recorded ones.
void TestResponsesEncoders::answerShapeMatchesRecordedResponses()
{
    QFETCH(QString, recorded);
    QFETCH(QString, answer);
    const QStringList all{u"openai/responses_response_text_spec.json"_s,
                          u"openai/responses_response_text_recorded.json"_s,
                          u"openai/responses_response_function_call_spec.json"_s,
                          u"openai/responses_response_reasoning_spec.json"_s};
    QSet<QString> common = keysOf(jsonFixture(all.first()));
    QSet<QString> any;
    for (const QString &path : all) {
        common &= keysOf(jsonFixture(path));
        any |= keysOf(jsonFixture(path));
    }
    const QJsonObject theirs = jsonFixture(recorded);
    const QJsonObject ours = encodeOk(jsonFixture(answer));
    const QSet<QString> missing = common - keysOf(ours);
    QVERIFY2(missing.isEmpty(), qPrintable(sorted(missing)));
    const QSet<QString> unknown = keysOf(ours) - any;
    QVERIFY2(unknown.isEmpty(), qPrintable(sorted(unknown)));
    for (const QString &key : keysOf(ours) & keysOf(theirs)) {
        const QJsonValue a = ours.value(key);
        const QJsonValue b = theirs.value(key);
        QVERIFY2(a.type() == b.type() || a.isNull() || b.isNull(), qPrintable(key));
    }

    const QJsonObject theirUsage = theirs.value("usage"_L1).toObject();
    const QJsonObject ourUsage = ours.value("usage"_L1).toObject();
    QCOMPARE(fieldSetError(u"usage"_s, ourUsage, theirUsage, {u"input_tokens_details"_s}),
             QString());
    for (const QLatin1String details : {"input_tokens_details"_L1, "output_tokens_details"_L1}) {
        if (theirUsage.contains(details))
            QCOMPARE(fieldSetError(details, ourUsage.value(details).toObject(),
                                   theirUsage.value(details).toObject()),
                     QString());
    }

    // Items of the types the recorded body has: the same fields; an output_text part may
    // carry logprobs (the recorded body does, the spec example does not).
    for (const QJsonValue &value : theirs.value("output"_L1).toArray()) {
        const QJsonObject item = value.toObject();
        for (const QJsonValue &mine : ours.value("output"_L1).toArray()) {
            if (mine.toObject().value("type"_L1) != item.value("type"_L1))
                continue;
            QCOMPARE(fieldSetError(item.value("type"_L1).toString(), mine.toObject(), item),
                     QString());
            const QJsonArray parts = item.value("content"_L1).toArray();
            const QJsonArray myParts = mine.toObject().value("content"_L1).toArray();
            if (!parts.isEmpty())
                QCOMPARE(fieldSetError(u"output_text"_s, myParts.first().toObject(),
                                       parts.first().toObject(), {u"logprobs"_s}),
                         QString());
        }
    }
    // Reasoning items (no recorded body has one): the fields of openai-python's
    // ResponseReasoningItem only.
    for (const QJsonValue &mine : ours.value("output"_L1).toArray()) {
        if (mine.toObject().value("type"_L1).toString() != "reasoning"_L1)
            continue;
        const QSet<QString> allowed{
            u"id"_s, u"type"_s, u"summary"_s, u"content"_s, u"encrypted_content"_s, u"status"_s};
        QVERIFY((keysOf(mine.toObject()) - allowed).isEmpty());
    }
}

void TestResponsesEncoders::requestEcho()
{
    // The spec's function tools request: its tools and tool_choice come back.
    const QJsonObject request = jsonFixture(u"openai/responses_request_function_tools.json"_s);
    const QJsonObject response = encodeOk(
        jsonFixture(u"openai/chat_response_tool_call_recorded.json"_s), u"gpt-5.4"_s, request);
    QCOMPARE(response.value("tools"_L1), request.value("tools"_L1));
    QCOMPARE(response.value("tool_choice"_L1).toString(), u"auto"_s);
    QCOMPARE(response.value("model"_L1).toString(), u"gpt-5.4"_s);

    // Every echoed field the client set.
    const QJsonObject full = json(R"({
      "model": "m", "input": "hi", "instructions": "Be brief.", "max_output_tokens": 512,
      "parallel_tool_calls": false, "previous_response_id": "resp_old", "store": true,
      "reasoning": {"effort": "high", "summary": "auto"}, "temperature": 0.2, "top_p": 0.9,
      "text": {"format": {"type": "json_object"}, "verbosity": "low"},
      "tool_choice": {"type": "function", "name": "f"}, "tools": [{"type": "function", "name": "f"}],
      "truncation": "auto", "user": "u-1", "metadata": {"k": "v"}
    })");
    QCOMPARE(Encoder::requestEcho(full), json(R"({
      "instructions": "Be brief.", "max_output_tokens": 512, "parallel_tool_calls": false,
      "previous_response_id": null, "store": false,
      "reasoning": {"effort": "high", "summary": "auto"}, "temperature": 0.2, "top_p": 0.9,
      "text": {"format": {"type": "json_object"}, "verbosity": "low"},
      "tool_choice": {"type": "function", "name": "f"}, "tools": [{"type": "function", "name": "f"}],
      "truncation": "auto", "user": "u-1", "metadata": {"k": "v"}
    })"));
    // A text object without a format gets the default one.
    QCOMPARE(Encoder::requestEcho(json(R"({"text": {"verbosity": "low"}})")).value("text"_L1),
             QJsonValue(json(R"({"format": {"type": "text"}, "verbosity": "low"})")));
    // Nothing set: the defaults (the same as in every golden).
    QJsonObject defaults = json(kDefaultFields);
    defaults.remove("object"_L1);
    defaults.remove("error"_L1);
    QCOMPARE(Encoder::requestEcho(json(R"({"model": "m", "input": "hi"})")), defaults);
    // No model asked for: the completion's.
    QCOMPARE(encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, u"stop"_s), QString())
                 .value("model"_L1)
                 .toString(),
             u"upstream-model"_s);
}

void TestResponsesEncoders::reasoningBlocks()
{
    // Anthropic's signed and redacted thinking, as the anthropic adapter relays them.
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
    const QJsonArray output = encodeOk(completion).value("output"_L1).toArray();
    QCOMPARE(output.size(), 3);
    QCOMPARE(output.at(0).toObject(), json(R"({
      "id": "rs_abc123", "type": "reasoning", "summary": [],
      "content": [{"type": "reasoning_text", "text": "step one"}], "encrypted_content": "onegate-thinking-v1:sig-1"
    })"));
    QCOMPARE(output.at(1).toObject(), json(R"({
      "id": "rs_abc123_1", "type": "reasoning", "summary": [], "encrypted_content": "onegate-thinking-v1:opaque=="
    })"));
    QCOMPARE(output.at(2).toObject().value("type"_L1).toString(), u"message"_s);
}

// StreamCapture's body: text in reasoning_content, signature-only thinking blocks.
void TestResponsesEncoders::reasoningFromCapturedStream()
{
    const QJsonObject completion = completionWith(
        QJsonObject{{"content"_L1, "hi"_L1},
                    {"reasoning_content"_L1, "thought"_L1},
                    {"thinking_blocks"_L1, QJsonArray{QJsonObject{{"type"_L1, "thinking"_L1},
                                                                  {"thinking"_L1, QString()},
                                                                  {"signature"_L1, "sig"_L1}}}}},
        u"stop"_s);
    const QJsonArray output = encodeOk(completion).value("output"_L1).toArray();
    QCOMPARE(output.size(), 2);
    QCOMPARE(output.at(0).toObject(), json(R"({
      "id": "rs_abc123", "type": "reasoning", "summary": [],
      "content": [{"type": "reasoning_text", "text": "thought"}], "encrypted_content": "onegate-thinking-v1:sig"
    })"));
    // vLLM names the field `reasoning`.
    const QJsonObject vllm = completionWith(
        QJsonObject{{"content"_L1, "hi"_L1}, {"reasoning"_L1, "mine"_L1}}, u"stop"_s);
    QCOMPARE(encodeOk(vllm).value("output"_L1).toArray().first().toObject(), json(R"({
      "id": "rs_abc123", "type": "reasoning", "summary": [],
      "content": [{"type": "reasoning_text", "text": "mine"}]
    })"));
}

void TestResponsesEncoders::textAndRefusal()
{
    const QJsonObject completion = completionWith(
        QJsonObject{{"content"_L1, "Partly: "_L1}, {"refusal"_L1, "no more."_L1}}, u"stop"_s);
    QCOMPARE(
        encodeOk(completion).value("output"_L1).toArray().first().toObject().value("content"_L1),
        QJsonValue(QJsonArray{Encoder::outputTextPart(u"Partly: "_s),
                              Encoder::refusalPart(u"no more."_s)}));
    // An answer with nothing in it has no items.
    const QJsonObject empty =
        encodeOk(completionWith(QJsonObject{{"content"_L1, QString()}}, u"stop"_s));
    QCOMPARE(empty.value("output"_L1).toArray(), QJsonArray{});
    QCOMPARE(empty.value("status"_L1).toString(), u"completed"_s);
}

void TestResponsesEncoders::contentFilterIsIncomplete()
{
    const QJsonObject response =
        encodeOk(jsonFixture(u"azure/chat_response_finish_content_filter.composed.json"_s));
    QCOMPARE(response.value("status"_L1).toString(), u"incomplete"_s);
    QCOMPARE(response.value("incomplete_details"_L1).toObject(),
             (QJsonObject{{"reason"_L1, "content_filter"_L1}}));
    QCOMPARE(
        response.value("output"_L1).toArray(),
        QJsonArray{Encoder::messageItem(u"msg_CB38CGNFrrplmi6y7Sw64xcY6QqIm"_s, u"incomplete"_s,
                                        {Encoder::outputTextPart(u"Hello! It looks like"_s)})});
    // Every other finish is a completed response.
    for (const QString &finish :
         {u"stop"_s, u"tool_calls"_s, u"function_call"_s, u"new"_s, u""_s}) {
        const QJsonObject done =
            encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, finish));
        QCOMPARE(done.value("status"_L1).toString(), u"completed"_s);
        QVERIFY(done.value("incomplete_details"_L1).isNull());
    }
}

// A length cut in the middle of tool calls: the last call is the incomplete one.
void TestResponsesEncoders::toolCallsAfterLengthCut()
{
    const QJsonObject completion =
        jsonFixture(u"openai/chat_response_parallel_tool_calls_recorded.json"_s);
    QJsonObject cut = completion;
    QJsonArray choices = cut.value("choices"_L1).toArray();
    QJsonObject choice = choices.first().toObject();
    choice.insert("finish_reason"_L1, "length"_L1);
    choices[0] = choice;
    cut.insert("choices"_L1, choices);
    const QJsonArray output = encodeOk(cut).value("output"_L1).toArray();
    QCOMPARE(output.at(0).toObject().value("status"_L1).toString(), u"completed"_s);
    QCOMPARE(output.at(1).toObject().value("status"_L1).toString(), u"incomplete"_s);
}

void TestResponsesEncoders::usageCounts()
{
    // Both APIs count cached tokens inside the input and reasoning inside the output.
    const QJsonObject usage{
        {"prompt_tokens"_L1, 2360},
        {"completion_tokens"_L1, 121},
        {"total_tokens"_L1, 2481},
        {"prompt_tokens_details"_L1,
         QJsonObject{{"cached_tokens"_L1, 2048}, {"cache_write_tokens"_L1, 300}}},
        {"completion_tokens_details"_L1, QJsonObject{{"reasoning_tokens"_L1, 64}}}};
    const QJsonObject response =
        encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, u"stop"_s, usage));
    QCOMPARE(response.value("usage"_L1).toObject(), json(R"({
      "input_tokens": 2360, "input_tokens_details": {"cached_tokens": 2048, "cache_write_tokens": 300},
      "output_tokens": 121, "output_tokens_details": {"reasoning_tokens": 64}, "total_tokens": 2481
    })"));
    // DeepSeek's own cache field.
    const QJsonObject deepseek{{"prompt_tokens"_L1, 100},
                               {"completion_tokens"_L1, 5},
                               {"prompt_cache_hit_tokens"_L1, 64},
                               {"prompt_cache_miss_tokens"_L1, 36}};
    QCOMPARE(encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, u"stop"_s, deepseek))
                 .value("usage"_L1)
                 .toObject()
                 .value("input_tokens_details"_L1)
                 .toObject()
                 .value("cached_tokens"_L1)
                 .toInteger(),
             64);
    // No usage reported: null, which Codex and the SDKs take as unknown.
    QVERIFY(encodeOk(completionWith(QJsonObject{{"content"_L1, "x"_L1}}, u"stop"_s))
                .value("usage"_L1)
                .isNull());
}

void TestResponsesEncoders::ids()
{
    QCOMPARE(Encoder::idTail(u"chatcmpl-ABC_12-x"_s), u"ABC_12-x"_s);
    QCOMPARE(Encoder::idTail(u"1c416330-2dca-4478"_s), u"1c416330-2dca-4478"_s);
    QCOMPARE(Encoder::idTail(u"resp_abc"_s), u"abc"_s);
    QCOMPARE(Encoder::idTail(u"gen-17.4/x y"_s), u"gen-174xy"_s);
    const QString a = Encoder::idTail(QString());
    const QString b = Encoder::idTail(u"chatcmpl-"_s);
    QCOMPARE(a.size(), 32);
    QVERIFY(a != b);
    QCOMPARE(Encoder::itemId(u"fc_"_s, u"t"_s, 0), u"fc_t"_s);
    QCOMPARE(Encoder::itemId(u"fc_"_s, u"t"_s, 2), u"fc_t_2"_s);
    // A tool call without an id still gets a call_id a client can answer.
    const QJsonObject completion = completionWith(
        QJsonObject{
            {"content"_L1, QJsonValue(QJsonValue::Null)},
            {"tool_calls"_L1,
             QJsonArray{QJsonObject{
                 {"type"_L1, "function"_L1},
                 {"function"_L1, QJsonObject{{"name"_L1, "f"_L1}, {"arguments"_L1, "{}"_L1}}}}}}},
        u"tool_calls"_s);
    QVERIFY(encodeOk(completion)
                .value("output"_L1)
                .toArray()
                .first()
                .toObject()
                .value("call_id"_L1)
                .toString()
                .startsWith("call_"_L1));
}

void TestResponsesEncoders::notACompletion()
{
    const auto result = Encoder::response(QJsonObject{{"object"_L1, "list"_L1}}, u"m"_s);
    QVERIFY(std::holds_alternative<ApiError>(result));
    QCOMPARE(std::get<ApiError>(result).status, 502);
}

void TestResponsesEncoders::errorBodies()
{
    // OpenAI's error shape, the Responses API's too.
    const ApiError rendered =
        ApiError::make(404, u"invalid_request_error"_s, u"model_not_found"_s, u"no such model"_s);
    QCOMPARE(QJsonDocument::fromJson(Encoder::errorBody(rendered)).object(), json(R"({
      "error": {"message": "no such model", "type": "invalid_request_error", "param": null,
                "code": "model_not_found"}
    })"));
    QCOMPARE(OpenAiResponsesClient::errorBody(rendered), Encoder::errorBody(rendered));

    // A provider's own OpenAI body, Chat or Responses, goes as it was; another dialect's
    // body is rendered from the fields.
    ApiError relayed = rendered;
    relayed.upstreamBody = fixture(u"openai/error_429_rate_limit_exceeded.json"_s);
    relayed.upstreamDialect = WireDialect::OpenAiChat;
    QCOMPARE(OpenAiResponsesClient::errorBody(relayed), relayed.upstreamBody);
    relayed.upstreamDialect = WireDialect::OpenAiResponses;
    QCOMPARE(OpenAiResponsesClient::errorBody(relayed), relayed.upstreamBody);
    relayed.upstreamBody = R"({"type":"error","error":{"type":"not_found_error","message":"x"}})";
    relayed.upstreamDialect = WireDialect::AnthropicMessages;
    QCOMPARE(OpenAiResponsesClient::errorBody(relayed), Encoder::errorBody(rendered));
}

void TestResponsesEncoders::responseErrorCodes_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QByteArray>("upstreamBody");
    QTest::addColumn<QString>("expectedCode");
    QTest::addColumn<QString>("expectedMessage");
    QTest::newRow("code kept") << 400 << u"context_length_exceeded"_s << QByteArray()
                               << u"context_length_exceeded"_s << u"m"_s;
    QTest::newRow("429") << 429 << QString() << QByteArray() << u"rate_limit_exceeded"_s << u"m"_s;
    QTest::newRow("500") << 500 << QString() << QByteArray() << u"server_error"_s << u"m"_s;
    QTest::newRow("503") << 503 << QString() << QByteArray() << u"server_error"_s << u"m"_s;
    QTest::newRow("from the body")
        << 429 << QString() << fixture(u"openai/error_429_rate_limit_exceeded.json"_s)
        << u"rate_limit_exceeded"_s
        << QJsonDocument::fromJson(fixture(u"openai/error_429_rate_limit_exceeded.json"_s))
               .object()
               .value("error"_L1)
               .toObject()
               .value("message"_L1)
               .toString();
}

void TestResponsesEncoders::responseErrorCodes()
{
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QByteArray, upstreamBody);
    QFETCH(QString, expectedCode);
    QFETCH(QString, expectedMessage);
    ApiError error =
        ApiError::make(status, u"t"_s, code, upstreamBody.isEmpty() ? u"m"_s : QString());
    error.upstreamBody = upstreamBody;
    QCOMPARE(Encoder::responseError(error),
             (QJsonObject{{"code"_L1, expectedCode}, {"message"_L1, expectedMessage}}));
}

void TestResponsesEncoders::streams_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QStringList>("items");
    QTest::addColumn<QString>("terminal");
    const QStringList message{u"message"_s};
    const QStringList call{u"function_call"_s};
    const QString completed = u"response.completed"_s;
    const QString incomplete = u"response.incomplete"_s;
    QTest::newRow("openai text") << u"openai/chat_stream_text_include_usage.sse"_s << message
                                 << completed;
    QTest::newRow("openai tool call") << u"openai/chat_stream_tool_call.sse"_s << call << completed;
    QTest::newRow("openai parallel tool calls")
        << u"openai/chat_stream_parallel_tool_calls.sse"_s << (call + call) << completed;
    QTest::newRow("openai length")
        << u"openai/chat_stream_finish_length.sse"_s << message << incomplete;
    QTest::newRow("deepseek reasoning") << u"deepseek/chat_stream_reasoning_content.sse"_s
                                        << (QStringList{u"reasoning"_s} + message) << completed;
    QTest::newRow("deepseek tool call usage on finish")
        << u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s << (message + call)
        << completed;
    QTest::newRow("azure content filter")
        << u"azure/chat_stream_finish_content_filter.composed.sse"_s << message << incomplete;
    QTest::newRow("azure parallel tool calls")
        << u"azure/chat_stream_parallel_tool_calls.composed.sse"_s << (call + call) << completed;
    QTest::newRow("azure prompt filter first chunk")
        << u"azure/chat_stream_prompt_filter_first_chunk.sse"_s << message << completed;
    QTest::newRow("azure tool call")
        << u"azure/chat_stream_tool_call.composed.sse"_s << call << completed;
    QTest::newRow("azure length") << u"azure/chat_stream_finish_length.composed.sse"_s << message
                                  << incomplete;
}

// Every recorded OpenAI-format stream gives a grammatical Responses stream whose final
// response is exactly what the non-stream encoder makes of the same answer reassembled.
void TestResponsesEncoders::streams()
{
    QFETCH(QString, path);
    QFETCH(QStringList, items);
    QFETCH(QString, terminal);
    const QList<QByteArray> frames = sseFrames(fixture(path));
    const Output out = encodeFrames(frames);
    QCOMPARE(grammarError(out), QString());
    QCOMPARE(out.events.last().name, terminal);
    const QJsonObject streamed = finalResponse(out);
    QCOMPARE(itemTypes(streamed), items);

    StreamCapture capture;
    for (const QByteArray &frame : frames)
        capture.streamFrame(frame, true);
    capture.streamCompleted("data: [DONE]\n\n");
    const std::optional<CacheEntry> entry = capture.entry();
    QVERIFY(entry.has_value());
    QCOMPARE(streamed, encodeOk(QJsonDocument::fromJson(entry->body).object()));
}

void TestResponsesEncoders::streamSplitAtEveryByte_data()
{
    streams_data();
}

void TestResponsesEncoders::streamSplitAtEveryByte()
{
    QFETCH(QString, path);
    const QList<QByteArray> frames = sseFrames(fixture(path));
    const Output whole = encodeFrames(frames);

    Output split;
    OpenAiResponsesStreamEncoder encoder({u"gpt-5-codex"_s, {}}, outletInto(split));
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
    QCOMPARE(split.contentFlags, whole.contentFlags);
}

// The recorded Responses stream (the spec's example, adapted) against ours for the
// recorded OpenAI text stream: the same event names in the same order, and the fields
// of each event, its response, item and part as the recorded ones have them.
void TestResponsesEncoders::streamMatchesRecordedResponsesStream()
{
    Output recorded;
    for (const QByteArray &frame : sseFrames(fixture(u"openai/responses_stream.adapted.sse"_s)))
        record(recorded, frame);
    QCOMPARE(recorded.formatError, QString());
    // The checker accepts the real thing.
    QCOMPARE(grammarError(recorded.events, false), QString());

    const Output ours =
        encodeFrames(sseFrames(fixture(u"openai/chat_stream_text_include_usage.sse"_s)));
    QCOMPARE(grammarError(ours), QString());
    const auto folded = [](const QList<Event> &events) {
        QStringList names;
        for (const Event &event : events) {
            if (names.isEmpty() || names.last() != event.name)
                names.append(event.name);
        }
        return names;
    };
    QCOMPARE(folded(ours.events), folded(recorded.events));

    QHash<QString, QJsonObject> theirs;
    for (const Event &event : std::as_const(recorded.events))
        theirs.insert(event.name, event.data);
    // The fields beyond the spec example that OneGate sends: logprobs (required by the
    // spec's schema for text deltas and done events, and in live output_text parts).
    const QSet<QString> logprobs{u"logprobs"_s};
    for (const Event &event : std::as_const(ours.events)) {
        const QJsonObject reference = theirs.value(event.name);
        QCOMPARE(fieldSetError(event.name, event.data, reference, logprobs), QString());
        if (reference.contains("response"_L1)) {
            const QJsonObject mine = event.data.value("response"_L1).toObject();
            const QJsonObject real = reference.value("response"_L1).toObject();
            // The example predates input_tokens_details; the live recording has it.
            QCOMPARE(fieldSetError(event.name + u" response"_s, mine, real), QString());
            if (real.value("usage"_L1).isObject())
                QCOMPARE(fieldSetError(event.name + u" usage"_s, mine.value("usage"_L1).toObject(),
                                       real.value("usage"_L1).toObject(),
                                       {u"input_tokens_details"_s}),
                         QString());
        }
        for (const QLatin1String nested : {"item"_L1, "part"_L1}) {
            if (reference.contains(nested))
                QCOMPARE(fieldSetError(event.name + u" "_s + nested,
                                       event.data.value(nested).toObject(),
                                       reference.value(nested).toObject(), logprobs),
                         QString());
        }
    }
}

void TestResponsesEncoders::grammarCheckerCatchesBrokenStreams_data()
{
    QTest::addColumn<int>("mutation");
    QTest::newRow("events swapped") << 0;
    QTest::newRow("a delta changed") << 1;
    QTest::newRow("output_item.done dropped") << 2;
    QTest::newRow("sequence number repeated") << 3;
    QTest::newRow("final output changed") << 4;
    QTest::newRow("arguments done changed") << 5;
    QTest::newRow("in_progress dropped") << 6;
}

// The checker the stream tests rely on rejects what a client would choke on.
void TestResponsesEncoders::grammarCheckerCatchesBrokenStreams()
{
    QFETCH(int, mutation);
    const Output good = encodeFrames(
        sseFrames(fixture(u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s)));
    QCOMPARE(grammarError(good.events, false), QString());
    QList<Event> events = good.events;
    const auto indexOf = [&events](const QString &name) {
        for (qsizetype i = 0; i < events.size(); ++i) {
            if (events.at(i).name == name)
                return i;
        }
        return qsizetype(-1);
    };
    const auto renumber = [&events] {
        for (qsizetype i = 0; i < events.size(); ++i)
            events[i].data.insert("sequence_number"_L1, int(i));
    };
    switch (mutation) {
    case 0: {
        const qsizetype i = indexOf(u"response.content_part.added"_s);
        events.swapItemsAt(i, i + 1);
        renumber();
        break;
    }
    case 1: {
        const qsizetype i = indexOf(u"response.output_text.delta"_s);
        events[i].data.insert("delta"_L1, u"Changed"_s);
        break;
    }
    case 2:
        events.removeAt(indexOf(u"response.output_item.done"_s));
        renumber();
        break;
    case 3:
        events[5].data.insert("sequence_number"_L1, 4);
        break;
    case 4: {
        QJsonObject response = events.last().data.value("response"_L1).toObject();
        QJsonArray output = response.value("output"_L1).toArray();
        output.removeLast();
        response.insert("output"_L1, output);
        events.last().data.insert("response"_L1, response);
        break;
    }
    case 5: {
        const qsizetype i = indexOf(u"response.function_call_arguments.done"_s);
        events[i].data.insert("arguments"_L1, u"{}"_s);
        break;
    }
    case 6:
        events.removeAt(1);
        renumber();
        break;
    }
    QVERIFY(!grammarError(events, false).isEmpty());
}

// Only model output counts as content (time to first token, and the end of failover).
void TestResponsesEncoders::streamContentFlags()
{
    const Output out = encodeFrames(
        sseFrames(fixture(u"deepseek/chat_stream_tool_call_usage_on_finish_chunk.sse"_s)));
    QCOMPARE(grammarError(out), QString());
    for (qsizetype i = 0; i < out.contentFlags.size(); ++i) {
        const Event &event = out.events.at(i);
        const bool content = event.name.endsWith(".delta"_L1) ||
                             (event.name == "response.output_item.added"_L1 &&
                              event.data.value("item"_L1).toObject().value("type"_L1).toString() ==
                                  "function_call"_L1);
        QVERIFY2(out.contentFlags.at(i) == content, qPrintable(event.name));
    }
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
void TestResponsesEncoders::streamReasoningToolsAndUsage()
{
    using Kind = canonical::StreamEvent::Kind;
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"claude-opus-4-1"_s, {}}, outletInto(out));
    OpenAiStreamEncoder relay(u"upstream"_s, true);

    canonical::StreamEvent start = ev(Kind::Start);
    start.id = u"chatcmpl-xyz"_s;
    start.created = 1700000001;
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
    const QJsonObject response = finalResponse(out);
    QCOMPARE(response.value("id"_L1).toString(), u"resp_xyz"_s);
    QCOMPARE(response.value("created_at"_L1).toInteger(), 1700000001);
    QCOMPARE(response.value("model"_L1).toString(), u"claude-opus-4-1"_s);
    QCOMPARE(response.value("output"_L1).toArray(), json(R"({"output": [
      {"id": "rs_xyz", "type": "reasoning", "summary": [],
       "content": [{"type": "reasoning_text", "text": "first thought"}], "encrypted_content": "onegate-thinking-v1:sig-A"},
      {"id": "rs_xyz_1", "type": "reasoning", "summary": [], "encrypted_content": "onegate-thinking-v1:REDACTED=="},
      {"id": "rs_xyz_2", "type": "reasoning", "summary": [],
       "content": [{"type": "reasoning_text", "text": "more"}]},
      {"id": "msg_xyz", "type": "message", "status": "completed", "role": "assistant",
       "content": [{"type": "output_text", "text": "Calling tools.", "annotations": [], "logprobs": []}]},
      {"id": "fc_xyz", "type": "function_call", "status": "completed", "call_id": "toolu_01abc",
       "name": "tool0", "arguments": "{\"n\":0}"},
      {"id": "fc_xyz_1", "type": "function_call", "status": "completed", "call_id": "call|2",
       "name": "tool1", "arguments": "{\"n\":1}"}
    ]})")
                                                        .value("output"_L1)
                                                        .toArray());
    // Usage reached the encoder through streamUsage only (no usage chunk was asked for).
    QCOMPARE(response.value("usage"_L1).toObject(), json(R"({
      "input_tokens": 1000, "input_tokens_details": {"cached_tokens": 600, "cache_write_tokens": 100},
      "output_tokens": 50, "output_tokens_details": {"reasoning_tokens": 20}, "total_tokens": 1050
    })"));
    // The signature ends its item: output_item.done right after the text.
    QStringList names;
    for (const Event &event : std::as_const(out.events))
        names.append(event.name);
    QCOMPARE(names.mid(0, 10),
             (QStringList{u"response.created"_s, u"response.in_progress"_s,
                          u"response.output_item.added"_s, u"response.content_part.added"_s,
                          u"response.reasoning_text.delta"_s, u"response.reasoning_text.delta"_s,
                          u"response.reasoning_text.done"_s, u"response.content_part.done"_s,
                          u"response.output_item.done"_s, u"response.output_item.added"_s}));
}

void TestResponsesEncoders::streamRefusal()
{
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"m"_s, {}}, outletInto(out));
    auto delta = [&encoder](const char *json, const char *finish = "null") {
        encoder.streamFrame(QByteArray("data: {\"id\":\"chatcmpl-r\",\"created\":5,\"choices\":[{"
                                       "\"index\":0,\"delta\":") +
                                json + ",\"finish_reason\":" + finish + "}]}\n\n",
                            true);
    };
    delta(R"({"role":"assistant","content":"Well, "})");
    delta(R"({"refusal":"I can't"})");
    delta(R"({"refusal":" help."})");
    delta("{}", "\"stop\"");
    encoder.streamCompleted("data: [DONE]\n\n");
    QCOMPARE(grammarError(out), QString());
    const QJsonObject response = finalResponse(out);
    QCOMPARE(response.value("output"_L1).toArray().first().toObject().value("content"_L1),
             QJsonValue(QJsonArray{Encoder::outputTextPart(u"Well, "_s),
                                   Encoder::refusalPart(u"I can't help."_s)}));
    QStringList refusalEvents;
    for (const Event &event : std::as_const(out.events)) {
        if (event.name.startsWith("response.refusal."_L1))
            refusalEvents.append(event.name);
    }
    QCOMPARE(refusalEvents, (QStringList{u"response.refusal.delta"_s, u"response.refusal.delta"_s,
                                         u"response.refusal.done"_s}));
    // The same as the answer reassembled.
    QJsonObject whole = completionWith(
        QJsonObject{{"content"_L1, "Well, "_L1}, {"refusal"_L1, "I can't help."_L1}}, u"stop"_s);
    whole.insert("id"_L1, "chatcmpl-r"_L1);
    whole.insert("created"_L1, 5);
    QCOMPARE(response, encodeOk(whole, u"m"_s));
}

void TestResponsesEncoders::streamErrorMidStream()
{
    const QList<QByteArray> frames =
        sseFrames(fixture(u"openai/chat_stream_parallel_tool_calls.sse"_s));
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"m"_s, {}}, outletInto(out));
    // Up to and including the frame that starts the second call.
    qsizetype cut = 0;
    while (cut < frames.size() && !frames.at(cut).contains("\"index\":1,\"id\""))
        encoder.streamFrame(frames.at(cut++), true);
    QVERIFY(cut < frames.size());
    encoder.streamFrame(frames.at(cut++), true);
    QVERIFY(encoder.started());
    const ApiError error =
        ApiError::make(503, u"server_error"_s, QString(), u"The upstream went away"_s, true);
    encoder.streamFailed(error);
    // Nothing after the failure, whatever else arrives.
    encoder.streamFrame(frames.at(cut), true);
    encoder.streamFailed(error);
    encoder.streamCompleted("data: [DONE]\n\n");
    QVERIFY(encoder.ended());
    QCOMPARE(grammarError(out), QString());
    QVERIFY(out.failed);
    QVERIFY(!out.completed);
    const QJsonObject response = finalResponse(out);
    QCOMPARE(response.value("status"_L1).toString(), u"failed"_s);
    QCOMPARE(
        response.value("error"_L1).toObject(),
        (QJsonObject{{"code"_L1, "server_error"_L1}, {"message"_L1, "The upstream went away"_L1}}));
    // The first call was done; the second was cut short and is not listed.
    QCOMPARE(itemTypes(response), QStringList{u"function_call"_s});
    QVERIFY(response.value("usage"_L1).isNull());
    QVERIFY(out.raw.last().startsWith("event: response.failed\ndata: {"));
}

void TestResponsesEncoders::streamErrorBeforeStart()
{
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"m"_s, {}}, outletInto(out));
    encoder.streamFailed(
        ApiError::make(429, u"requests"_s, u"rate_limit_exceeded"_s, u"slow down"_s, true));
    // Nothing went out, so the gateway can still answer with an HTTP error.
    QVERIFY(!encoder.started());
    QVERIFY(out.failed);
    QCOMPARE(grammarError(out), QString());
    QCOMPARE(out.events.size(), 1);
    QCOMPARE(out.events.first().data.value("sequence_number"_L1).toInteger(), 0);
    const QJsonObject response = finalResponse(out);
    QCOMPARE(response.value("error"_L1).toObject().value("code"_L1).toString(),
             u"rate_limit_exceeded"_s);
    QVERIFY(response.value("id"_L1).toString().startsWith("resp_"_L1));
    QCOMPARE(response.value("model"_L1).toString(), u"m"_s);
}

void TestResponsesEncoders::streamErrorChunk()
{
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"m"_s, {}}, outletInto(out));
    encoder.streamFrame(
        R"(data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})"
        "\n\n",
        true);
    encoder.streamFrame(
        R"(data: {"error":{"message":"The server had an error","type":"server_error","code":null}})"
        "\n\n",
        false);
    QCOMPARE(grammarError(out), QString());
    QVERIFY(out.failed);
    QCOMPARE(finalResponse(out).value("error"_L1).toObject(),
             (QJsonObject{{"code"_L1, "server_error"_L1},
                          {"message"_L1, "The server had an error"_L1}}));
    // The message was still open: not listed as done.
    QCOMPARE(finalResponse(out).value("output"_L1).toArray(), QJsonArray{});
}

void TestResponsesEncoders::streamInterleavedToolArguments()
{
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"m"_s, {}}, outletInto(out));
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
    QCOMPARE(finalResponse(out).value("error"_L1).toObject().value("code"_L1).toString(),
             u"bad_upstream_response"_s);
}

void TestResponsesEncoders::streamEmptyAnswer()
{
    Output out;
    OpenAiResponsesStreamEncoder encoder({u"m"_s, {}}, outletInto(out));
    encoder.streamCompleted("data: [DONE]\n\n");
    QCOMPARE(grammarError(out), QString());
    QStringList names;
    for (const Event &event : std::as_const(out.events))
        names.append(event.name);
    QCOMPARE(names, (QStringList{u"response.created"_s, u"response.in_progress"_s,
                                 u"response.completed"_s}));
    QVERIFY(out.completed);
    QCOMPARE(finalResponse(out).value("output"_L1).toArray(), QJsonArray{});
}

void TestResponsesEncoders::streamEchoesRequest()
{
    const QJsonObject request = jsonFixture(u"openai/responses_request_stream.json"_s);
    const Output out = encodeFrames(
        sseFrames(fixture(u"openai/chat_stream_text_include_usage.sse"_s)), u"gpt-5.4"_s, request);
    QCOMPARE(grammarError(out), QString());
    for (const Event &event : std::as_const(out.events)) {
        if (!event.data.contains("response"_L1))
            continue;
        const QJsonObject response = event.data.value("response"_L1).toObject();
        QCOMPARE(response.value("instructions"_L1).toString(), u"You are a helpful assistant."_s);
        QCOMPARE(response.value("model"_L1).toString(), u"gpt-5.4"_s);
    }
}

// Codex dispatches a namespace tool's function by its own name and `namespace`; the
// provider saw the flat name (OpenAiResponsesRequestDecoder::flatToolName).
void TestResponsesEncoders::namespacedCallsComeBackNamespaced()
{
    const QJsonObject request = QJsonDocument::fromJson(R"({"model":"m","input":"hi","tools":[
        {"type":"namespace","name":"crm","tools":[{"type":"function","name":"lookup","parameters":{"type":"object"}}]},
        {"type":"function","name":"plain","parameters":{"type":"object"}}]})")
                                    .object();
    const QString flat = OpenAiResponsesRequestDecoder::flatToolName(u"crm"_s, u"lookup"_s);
    const QJsonObject call{{"id"_L1, "call_1"_L1}, {"type"_L1, "function"_L1},
                           {"function"_L1, QJsonObject{{"name"_L1, flat}, {"arguments"_L1, "{}"_L1}}}};
    const QJsonObject plainCall{{"id"_L1, "call_2"_L1}, {"type"_L1, "function"_L1},
                                {"function"_L1, QJsonObject{{"name"_L1, "plain"_L1}, {"arguments"_L1, "{}"_L1}}}};
    const QJsonObject completion{
        {"id"_L1, "chatcmpl-ns"_L1}, {"object"_L1, "chat.completion"_L1}, {"created"_L1, 1}, {"model"_L1, "m"_L1},
        {"choices"_L1, QJsonArray{QJsonObject{{"index"_L1, 0},
                                              {"finish_reason"_L1, "tool_calls"_L1},
                                              {"message"_L1, QJsonObject{{"role"_L1, "assistant"_L1},
                                                                         {"content"_L1, QJsonValue()},
                                                                         {"tool_calls"_L1, QJsonArray{call, plainCall}}}}}}}};
    auto checkItems = [&flat](const QJsonArray &output) {
        QCOMPARE(output.size(), 2);
        QCOMPARE(output.at(0).toObject().value("name"_L1).toString(), u"lookup"_s);
        QCOMPARE(output.at(0).toObject().value("namespace"_L1).toString(), u"crm"_s);
        QCOMPARE(output.at(1).toObject().value("name"_L1).toString(), u"plain"_s);
        QVERIFY(!output.at(1).toObject().contains("namespace"_L1));
        QVERIFY(flat != u"lookup"_s);
    };
    checkItems(encodeOk(completion, u"m"_s, request).value("output"_L1).toArray());

    QJsonObject streamedCall = call;
    streamedCall.insert("index"_L1, 0);
    QJsonObject streamedPlain = plainCall;
    streamedPlain.insert("index"_L1, 1);
    auto chunk = [](const QJsonObject &delta, const QJsonValue &finish) -> QByteArray {
        const QJsonObject object{{"id"_L1, "chatcmpl-ns"_L1}, {"object"_L1, "chat.completion.chunk"_L1}, {"created"_L1, 1},
                                 {"model"_L1, "m"_L1},
                                 {"choices"_L1, QJsonArray{QJsonObject{{"index"_L1, 0}, {"delta"_L1, delta},
                                                                       {"finish_reason"_L1, finish}}}}};
        return "data: " + QJsonDocument(object).toJson(QJsonDocument::Compact) + "\n\n";
    };
    const Output out = encodeFrames({chunk({{"role"_L1, "assistant"_L1}, {"tool_calls"_L1, QJsonArray{streamedCall}}}, QJsonValue()),
                                     chunk({{"tool_calls"_L1, QJsonArray{streamedPlain}}}, QJsonValue()),
                                     chunk({}, "tool_calls"_L1), "data: [DONE]\n\n"},
                                    u"m"_s, request);
    QCOMPARE(grammarError(out), QString());
    QList<QJsonObject> added;
    for (const Event &event : std::as_const(out.events)) {
        if (event.data.value("type"_L1).toString() == "response.output_item.added"_L1)
            added.append(event.data.value("item"_L1).toObject());
    }
    QCOMPARE(added.size(), 2);
    QCOMPARE(added.first().value("namespace"_L1).toString(), u"crm"_s);
    checkItems(out.events.last().data.value("response"_L1).toObject().value("output"_L1).toArray());
}

void TestResponsesEncoders::clientAnswers()
{
    const OpenAiResponsesClient client(u"gpt-5-codex"_s, QJsonObject{});
    QCOMPARE(client.wire(), WireDialect::OpenAiResponses);
    QVERIFY(client.keepAlive().isEmpty());
    const QByteArray completion = fixture(u"openai/chat_response_tool_call_recorded.json"_s);
    const auto answer = client.answer(completion);
    QVERIFY(std::holds_alternative<QByteArray>(answer));
    QCOMPARE(QJsonDocument::fromJson(std::get<QByteArray>(answer)).object(),
             encodeOk(QJsonDocument::fromJson(completion).object()));
    const auto bad = client.answer("not json");
    QVERIFY(std::holds_alternative<ApiError>(bad));
    QCOMPARE(std::get<ApiError>(bad).status, 502);
}

// A failure the relay notices itself ends the stream with the event the translator
// would have sent: numbered after the last event the client got, same response.
void TestResponsesEncoders::clientStreamErrorContinuesTheStream()
{
    const OpenAiResponsesClient client(u"gpt-5-codex"_s, QJsonObject{});
    const QList<QByteArray> frames =
        sseFrames(fixture(u"openai/chat_stream_text_include_usage.sse"_s));
    // A first attempt that never reached the client, then the one that did.
    Output first;
    std::unique_ptr<ChatStreamSink> stale = client.streamTranslator(outletInto(first));
    stale->streamFrame(frames.at(0), true);
    Output out;
    std::unique_ptr<ChatStreamSink> translator = client.streamTranslator(outletInto(out));
    for (qsizetype i = 0; i < 3; ++i)
        translator->streamFrame(frames.at(i), true);
    const ApiError error = ApiError::make(504, u"server_error"_s, u"upstream_timeout"_s,
                                          u"The provider stopped sending"_s, true);
    const QByteArray ending = client.streamError(error);
    // The translator's own failure event is the same event.
    translator->streamFailed(error);
    QCOMPARE(out.raw.last(), ending);
    QCOMPARE(grammarError(out), QString());
    const Event last = out.events.last();
    QCOMPARE(last.data.value("sequence_number"_L1).toInteger(), out.events.size() - 1);
    QCOMPARE(last.data.value("response"_L1).toObject().value("id"_L1),
             out.events.first().data.value("response"_L1).toObject().value("id"_L1));
    QCOMPARE(last.data.value("response"_L1).toObject().value("error"_L1).toObject(),
             (QJsonObject{{"code"_L1, "upstream_timeout"_L1},
                          {"message"_L1, "The provider stopped sending"_L1}}));
}

void TestResponsesEncoders::clientStreamErrorWithoutTranslator()
{
    // A native provider's stream has no translator: the event still ends a stream.
    const OpenAiResponsesClient client(u"gpt-5-codex"_s, QJsonObject{});
    Output out;
    out.failed = true;
    record(out, client.streamError(ApiError::make(500, u"server_error"_s, QString(), u"boom"_s)));
    QCOMPARE(grammarError(out), QString());
    QCOMPARE(finalResponse(out).value("error"_L1).toObject(),
             (QJsonObject{{"code"_L1, "server_error"_L1}, {"message"_L1, "boom"_L1}}));
}

QTEST_GUILESS_MAIN(TestResponsesEncoders)
#include "tst_responses_encoders.moc"
