#include "CachedAnswer.h"

#include "StreamCapture.h"
#include "openai/OpenAiChatCodec.h"
#include "openai/OpenAiStreamEncoder.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

namespace onegate {

namespace {

QLatin1String key(const char *name)
{
    return QLatin1String(name);
}

QByteArray frameOf(const QJsonObject &chunk)
{
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + "\n\n";
}

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// Holds the encoder's output until the whole replay is built, so a body that turns out
// not to be replayable writes nothing at all.
struct FrameBuffer final : ChatStreamSink {
    QList<QPair<QByteArray, bool>> frames;
    QByteArray terminator;

    void streamFrame(const QByteArray &frame, bool content) override
    {
        frames.append({frame, content});
    }
    void streamUsage(const TokenUsage &) override {}
    void streamCompleted(const QByteArray &done) override { terminator = done; }
    void streamFailed(const ApiError &) override {}
};

// Collects a replay as bytes, for toStreamBytes().
struct ByteSink final : ChatStreamSink {
    QByteArray bytes;

    void streamFrame(const QByteArray &frame, bool) override { bytes += frame; }
    void streamUsage(const TokenUsage &) override {}
    void streamCompleted(const QByteArray &terminator) override { bytes += terminator; }
    void streamFailed(const ApiError &) override {}
};

} // namespace

std::optional<CacheEntry> CachedAnswer::fromResult(const ChatResult &result)
{
    if (result.error)
        return std::nullopt;
    const std::optional<QJsonObject> body = jsonObject(result.body);
    if (!body || body->contains(key("error")))
        return std::nullopt;
    const QJsonArray choices = body->value(key("choices")).toArray();
    if (choices.isEmpty())
        return std::nullopt;
    for (const QJsonValue &value : choices) {
        const QJsonObject choice = value.toObject();
        if (!choice.value(key("message")).isObject() ||
            choice.value(key("finish_reason")).toString().isEmpty())
            return std::nullopt;
    }
    const TokenUsage usage = result.usage.known
                                 ? result.usage
                                 : tokenUsageFromOpenAi(body->value(key("usage")).toObject());
    return CacheEntry{result.body, usage};
}

std::optional<CacheEntry> CachedAnswer::fromStream(QByteArrayView sse, const TokenUsage &usage)
{
    StreamCapture capture;
    if (usage.known)
        capture.streamUsage(usage);
    capture.feed(sse);
    return capture.entry();
}

bool CachedAnswer::replayAsStream(const CacheEntry &entry, bool includeUsage, ChatStreamSink &sink)
{
    using Event = canonical::StreamEvent;

    const std::optional<QJsonObject> body = jsonObject(entry.body);
    if (!body)
        return false;
    const QJsonArray choices = body->value(key("choices")).toArray();
    // A stream carries one choice at index 0; an n > 1 answer can only be served whole.
    if (choices.size() != 1)
        return false;
    const QJsonObject choice = choices.first().toObject();
    const QJsonObject message = choice.value(key("message")).toObject();
    const QString finishReason = choice.value(key("finish_reason")).toString();
    if (finishReason.isEmpty())
        return false;

    QString id = body->value(key("id")).toString();
    if (id.isEmpty())
        id = newCompletionId();
    const QString model = body->value(key("model")).toString();
    qint64 created = body->value(key("created")).toInteger();
    if (created <= 0)
        created = QDateTime::currentSecsSinceEpoch();

    QList<canonical::ToolCall> toolCalls;
    for (const QJsonValue &value : message.value(key("tool_calls")).toArray()) {
        const QJsonObject call = value.toObject();
        const QJsonObject function = call.value(key("function")).toObject();
        canonical::ToolCall toolCall;
        toolCall.id = call.value(key("id")).toString();
        toolCall.name = function.value(key("name")).toString();
        toolCall.arguments = function.value(key("arguments")).toString();
        toolCall.thoughtSignature = call.value(key("extra_content"))
                                        .toObject()
                                        .value(key("google"))
                                        .toObject()
                                        .value(key("thought_signature"))
                                        .toString();
        if (toolCall.id.isEmpty() || toolCall.name.isEmpty())
            return false;
        toolCalls.append(toolCall);
    }

    // The shared encoder owns the chunk order strict clients depend on; the usage chunk
    // is written here instead, so it can carry the provider's usage object verbatim.
    OpenAiStreamEncoder encoder(model, false);
    FrameBuffer buffer;
    auto send = [&](Event::Kind kind, auto &&fill) {
        Event event;
        event.kind = kind;
        fill(event);
        encoder.event(event, buffer);
    };
    send(Event::Kind::Start, [&](Event &e) {
        e.id = id;
        e.model = model;
        e.created = created;
    });
    send(Event::Kind::ReasoningDelta,
         [&](Event &e) { e.text = message.value(key("reasoning_content")).toString(); });
    for (const QJsonValue &value : message.value(key("thinking_blocks")).toArray()) {
        const QJsonObject block = value.toObject();
        const bool redacted =
            block.value(key("type")).toString() == QLatin1String("redacted_thinking");
        send(Event::Kind::ReasoningSignature, [&](Event &e) {
            e.redacted = redacted;
            e.text = block.value(redacted ? key("data") : key("signature")).toString();
        });
    }
    send(Event::Kind::TextDelta,
         [&](Event &e) { e.text = message.value(key("content")).toString(); });

    const QString refusal = message.value(key("refusal")).toString();
    if (!refusal.isEmpty()) {
        // The encoder has no refusal event; this chunk takes the same envelope.
        const QJsonObject delta{{key("refusal"), refusal}};
        const QJsonObject refusalChoice{{key("index"), 0},
                                        {key("delta"), delta},
                                        {key("logprobs"), QJsonValue(QJsonValue::Null)},
                                        {key("finish_reason"), QJsonValue(QJsonValue::Null)}};
        buffer.frames.append({frameOf(QJsonObject{{key("id"), id},
                                                  {key("object"), key("chat.completion.chunk")},
                                                  {key("created"), created},
                                                  {key("model"), model},
                                                  {key("choices"), QJsonArray{refusalChoice}}}),
                              true});
    }

    for (qsizetype i = 0; i < toolCalls.size(); ++i) {
        send(Event::Kind::ToolCallStart, [&](Event &e) {
            e.index = int(i);
            e.id = toolCalls.at(i).id;
            e.name = toolCalls.at(i).name;
            e.arguments = toolCalls.at(i).arguments;
            e.thoughtSignature = toolCalls.at(i).thoughtSignature;
        });
    }
    send(Event::Kind::Finish, [&](Event &e) { e.finishReason = finishReason; });
    encoder.complete(buffer);

    for (const auto &[frame, content] : std::as_const(buffer.frames))
        sink.streamFrame(frame, content);
    const QJsonValue usageObject = body->value(key("usage"));
    const TokenUsage usage =
        entry.usage.known ? entry.usage : tokenUsageFromOpenAi(usageObject.toObject());
    if (usage.known)
        sink.streamUsage(usage);
    if (includeUsage && (usageObject.isObject() || usage.known)) {
        const QJsonObject chunk{{key("id"), id},
                                {key("object"), key("chat.completion.chunk")},
                                {key("created"), created},
                                {key("model"), model},
                                {key("choices"), QJsonArray{}},
                                {key("usage"), usageObject.isObject() ? usageObject.toObject()
                                                                      : encodeOpenAiUsage(usage)}};
        sink.streamFrame(frameOf(chunk), false);
    }
    sink.streamCompleted(buffer.terminator);
    return true;
}

std::optional<QByteArray> CachedAnswer::toStreamBytes(const CacheEntry &entry, bool includeUsage)
{
    ByteSink sink;
    if (!replayAsStream(entry, includeUsage, sink))
        return std::nullopt;
    return sink.bytes;
}

} // namespace onegate
