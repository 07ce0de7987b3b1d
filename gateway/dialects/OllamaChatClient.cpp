#include "OllamaChatClient.h"

#include "OllamaErrors.h"
#include "RelayOutput.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <chrono>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

// A tool call's arguments as the object Ollama sends. Models do emit broken JSON; one bad
// call must not cost the client the rest of the answer, so it becomes {}.
QJsonObject argumentsObject(const QString &arguments)
{
    const QJsonDocument doc = QJsonDocument::fromJson(arguments.toUtf8());
    return doc.isObject() ? doc.object() : QJsonObject{};
}

QJsonObject ollamaToolCall(const QString &name, const QString &arguments)
{
    return QJsonObject{{"function"_L1, QJsonObject{{"name"_L1, name},
                                                   {"arguments"_L1, argumentsObject(arguments)}}}};
}

// The reasoning text of a message or delta: OneGate's `reasoning_content`, or vLLM's
// `reasoning`.
QString reasoningOf(const QJsonObject &object)
{
    const QString reasoning = object.value("reasoning_content"_L1).toString();
    return reasoning.isEmpty() ? object.value("reasoning"_L1).toString() : reasoning;
}

QJsonObject header(const QString &model, qint64 epochNs)
{
    return QJsonObject{{"model"_L1, model},
                       {"created_at"_L1, OllamaChatClient::timestamp(epochNs)}};
}

struct Durations {
    qint64 total = 0;
    qint64 load = 0;
    qint64 promptEval = 0;
    qint64 eval = 0;
};

// done, done_reason, the counts and the durations of a finished object.
void finish(QJsonObject &object, const QString &doneReason, const TokenUsage &usage,
            const Durations &durations)
{
    object.insert("done"_L1, true);
    object.insert("done_reason"_L1, doneReason);
    object.insert("total_duration"_L1, durations.total);
    object.insert("load_duration"_L1, durations.load);
    object.insert("prompt_eval_count"_L1, usage.known ? usage.prompt : 0);
    object.insert("prompt_eval_duration"_L1, durations.promptEval);
    object.insert("eval_count"_L1, usage.known ? usage.completion : 0);
    object.insert("eval_duration"_L1, durations.eval);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

OllamaChatClient::OllamaChatClient(Mode mode, QString model, Clock clock)
    : m_mode(mode)
    , m_model(std::move(model))
    , m_clock(std::move(clock))
{
    if (!m_clock.elapsedNs) {
        QElapsedTimer timer;
        timer.start();
        m_clock.elapsedNs = [timer] { return timer.nsecsElapsed(); };
    }
    if (!m_clock.epochNs) {
        m_clock.epochNs = [] {
            return qint64(std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
        };
    }
}

QString OllamaChatClient::timestamp(qint64 epochNs)
{
    constexpr qint64 kNsPerSecond = 1'000'000'000;
    qint64 seconds = epochNs / kNsPerSecond;
    qint64 nanos = epochNs % kNsPerSecond;
    if (nanos < 0) {
        nanos += kNsPerSecond;
        --seconds;
    }
    // "2024-07-22T20:33:28Z" with the fraction put before the zone, as Go's RFC3339Nano:
    // nine digits with the trailing zeros dropped, none at all for a whole second.
    QString text = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
    text.chop(1);
    if (nanos != 0) {
        QString fraction = u"%1"_s.arg(nanos, 9, 10, QLatin1Char('0'));
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        text += u'.' + fraction;
    }
    return text + u'Z';
}

QString OllamaChatClient::doneReason(const QString &finishReason)
{
    // Ollama knows stop, length (and load/unload): a tool call turn ends with "stop" on
    // Ollama too, and a content filter is no reason its clients know.
    return finishReason == "length"_L1 ? u"length"_s : u"stop"_s;
}

std::unique_ptr<ChatStreamSink> OllamaChatClient::streamTranslator(StreamOutlet outlet) const
{
    return std::make_unique<OllamaStreamEncoder>(*this, std::move(outlet));
}

std::variant<QByteArray, ApiError> OllamaChatClient::answer(const QByteArray &completion) const
{
    const QJsonObject chat = QJsonDocument::fromJson(completion).object();
    const QJsonArray choices = chat.value("choices"_L1).toArray();
    if (choices.isEmpty() || !choices.first().isObject())
        return relayOutput::notACompletion(u"the provider's answer is not a chat completion"_s);
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject message = choice.value("message"_L1).toObject();
    QString text = relayOutput::textOf(message.value("content"_L1));
    // Ollama has no refusal field: the refusal is what the model said.
    if (text.isEmpty())
        text = message.value("refusal"_L1).toString();
    const QString thinking = reasoningOf(message);

    QJsonObject out = header(m_model, m_clock.epochNs());
    if (m_mode == Mode::Chat) {
        QJsonObject reply{{"role"_L1, "assistant"_L1}, {"content"_L1, text}};
        if (!thinking.isEmpty())
            reply.insert("thinking"_L1, thinking);
        QJsonArray calls;
        for (const QJsonValue &value : message.value("tool_calls"_L1).toArray()) {
            const QJsonObject function = value.toObject().value("function"_L1).toObject();
            calls.append(ollamaToolCall(function.value("name"_L1).toString(),
                                        function.value("arguments"_L1).toString()));
        }
        if (!calls.isEmpty())
            reply.insert("tool_calls"_L1, calls);
        out.insert("message"_L1, reply);
    } else {
        out.insert("response"_L1, text);
        if (!thinking.isEmpty())
            out.insert("thinking"_L1, thinking);
    }
    // A whole answer arrives at once: when its first token came is not known.
    const qint64 total = m_clock.elapsedNs();
    finish(out, doneReason(choice.value("finish_reason"_L1).toString()),
           tokenUsageFromOpenAi(chat.value("usage"_L1).toObject()), Durations{total, 0, 0, total});
    return compact(out);
}

void OllamaChatClient::sendError(QHttpServerResponder &responder, const ApiError &error,
                                 const HeaderPairs &headers) const
{
    sendOllamaError(responder, error, headers);
}

QByteArray OllamaChatClient::streamError(const ApiError &error) const
{
    return ollamaErrorLine(error);
}

OllamaStreamEncoder::OllamaStreamEncoder(const OllamaChatClient &client, StreamOutlet outlet)
    : m_mode(client.mode())
    , m_model(client.model())
    , m_clock(client.clock())
    , m_outlet(std::move(outlet))
    , m_attemptStartNs(m_clock.elapsedNs())
{
}

void OllamaStreamEncoder::streamFrame(const QByteArray &frame, bool content)
{
    Q_UNUSED(content); // judged per Ollama line instead
    if (m_ended)
        return;
    if (!m_chunks.read(frame, [this](const QJsonObject &chunk) {
            handleChunk(chunk);
            return !m_ended;
        }))
        fail(ChatChunkReader::tooLarge());
}

void OllamaStreamEncoder::handleChunk(const QJsonObject &chunk)
{
    if (const auto error = ChatChunkReader::errorOf(chunk)) {
        fail(*error);
        return;
    }
    if (const auto counts = ChatChunkReader::usageOf(chunk))
        m_usage = *counts;
    const QJsonArray choices = chunk.value("choices"_L1).toArray();
    if (choices.isEmpty())
        return;
    // The relay serves one choice (translated kinds refuse n > 1).
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject delta = choice.value("delta"_L1).toObject();
    const QString thinking = reasoningOf(delta);
    const QString text =
        delta.value("content"_L1).toString() + delta.value("refusal"_L1).toString();
    if (!text.isEmpty() || !thinking.isEmpty()) {
        QJsonObject line;
        if (m_mode == OllamaChatClient::Mode::Chat) {
            QJsonObject message{{"role"_L1, "assistant"_L1}, {"content"_L1, text}};
            if (!thinking.isEmpty())
                message.insert("thinking"_L1, thinking);
            line.insert("message"_L1, message);
        } else {
            line.insert("response"_L1, text);
            if (!thinking.isEmpty())
                line.insert("thinking"_L1, thinking);
        }
        writeLine(line);
    }
    if (m_mode == OllamaChatClient::Mode::Chat) {
        for (const QJsonValue &call : delta.value("tool_calls"_L1).toArray())
            handleToolCall(call.toObject());
    }
    const QJsonValue finish = choice.value("finish_reason"_L1);
    if (finish.isString() && !finish.toString().isEmpty()) {
        m_finishReason = finish.toString();
        flushToolCalls();
    }
}

void OllamaStreamEncoder::handleToolCall(const QJsonObject &call)
{
    const QJsonObject function = call.value("function"_L1).toObject();
    const QString name = function.value("name"_L1).toString();
    int index = 0;
    if (call.value("index"_L1).isDouble())
        index = int(call.value("index"_L1).toInteger());
    else if (!call.value("id"_L1).toString().isEmpty() || !name.isEmpty())
        index = m_calls.isEmpty() ? 0 : m_calls.lastKey() + 1; // a new call without an index
    else if (m_lastCallIndex >= 0)
        index = m_lastCallIndex; // more arguments for the call before
    m_lastCallIndex = index;
    PendingCall &pending = m_calls[index];
    // Some servers repeat the name on every piece: the first one names the call.
    if (pending.name.isEmpty())
        pending.name = name;
    pending.arguments += function.value("arguments"_L1).toString();
}

void OllamaStreamEncoder::flushToolCalls()
{
    if (m_calls.isEmpty())
        return;
    QJsonArray calls;
    for (const PendingCall &call : std::as_const(m_calls))
        calls.append(ollamaToolCall(call.name, call.arguments));
    m_calls.clear();
    m_lastCallIndex = -1;
    writeLine(QJsonObject{{"message"_L1, QJsonObject{{"role"_L1, "assistant"_L1},
                                                     {"content"_L1, QString()},
                                                     {"tool_calls"_L1, calls}}}});
}

void OllamaStreamEncoder::writeLine(QJsonObject object)
{
    if (m_firstOutputNs < 0)
        m_firstOutputNs = m_clock.elapsedNs();
    const QJsonObject head = header(m_model, m_clock.epochNs());
    for (auto it = head.begin(); it != head.end(); ++it)
        object.insert(it.key(), it.value());
    object.insert("done"_L1, false);
    if (m_outlet.write)
        m_outlet.write(compact(object) + '\n', true);
}

void OllamaStreamEncoder::streamUsage(const TokenUsage &usage)
{
    if (usage.known)
        m_usage = usage;
}

void OllamaStreamEncoder::streamCompleted(const QByteArray &terminator)
{
    Q_UNUSED(terminator); // OpenAI's [DONE]; the done object is this dialect's own
    if (m_ended)
        return;
    flushToolCalls(); // a stream that ended without a finish reason
    const qint64 end = m_clock.elapsedNs();
    const qint64 firstOutput = m_firstOutputNs < 0 ? end : m_firstOutputNs;
    QJsonObject last = header(m_model, m_clock.epochNs());
    if (m_mode == OllamaChatClient::Mode::Chat)
        last.insert("message"_L1,
                    QJsonObject{{"role"_L1, "assistant"_L1}, {"content"_L1, QString()}});
    else
        last.insert("response"_L1, QString());
    finish(last, OllamaChatClient::doneReason(m_finishReason), m_usage,
           Durations{end, m_attemptStartNs, firstOutput - m_attemptStartNs, end - firstOutput});
    m_ended = true;
    if (m_outlet.completed)
        m_outlet.completed(compact(last) + '\n');
}

void OllamaStreamEncoder::streamFailed(const ApiError &error)
{
    fail(error);
}

void OllamaStreamEncoder::fail(const ApiError &error)
{
    if (m_ended)
        return;
    m_ended = true;
    if (m_outlet.failed)
        m_outlet.failed(ollamaErrorLine(error), error);
}

} // namespace onegate
