#include "StreamCapture.h"

#include "openai/OpenAiChatCodec.h"

#include <QJsonDocument>

namespace onegate {

namespace {

QLatin1String key(const char *name)
{
    return QLatin1String(name);
}

} // namespace

StreamCapture::StreamCapture(qint64 maxBytes)
    : m_maxBytes(maxBytes)
{
}

void StreamCapture::feed(QByteArrayView sse)
{
    if (m_unusable || m_done)
        return;
    m_bytes += sse.size();
    if (m_maxBytes > 0 && m_bytes > m_maxBytes) {
        m_unusable = true;
        return;
    }
    m_events.clear();
    if (!m_parser.feed(sse, m_events))
        m_unusable = true;
    for (const SseEvent &event : std::as_const(m_events)) {
        if (m_unusable || m_done)
            return;
        handle(event);
    }
}

void StreamCapture::handle(const SseEvent &event)
{
    if (event.data == "[DONE]") {
        m_done = true;
        return;
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(event.data, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        m_unusable = true;
        return;
    }
    handleChunk(doc.object());
}

void StreamCapture::handleChunk(const QJsonObject &chunk)
{
    if (chunk.contains(key("error"))) {
        m_unusable = true;
        return;
    }
    if (m_id.isEmpty())
        m_id = chunk.value(key("id")).toString();
    if (m_model.isEmpty())
        m_model = chunk.value(key("model")).toString();
    if (m_created == 0)
        m_created = chunk.value(key("created")).toInteger();
    const QString fingerprint = chunk.value(key("system_fingerprint")).toString();
    if (!fingerprint.isEmpty())
        m_systemFingerprint = fingerprint;

    const QJsonValue usage = chunk.value(key("usage"));
    if (usage.isObject()) {
        m_usageObject = usage.toObject();
        m_usage = tokenUsageFromOpenAi(m_usageObject);
    }

    for (const QJsonValue &value : chunk.value(key("choices")).toArray()) {
        const QJsonObject choice = value.toObject();
        // One completion body holds one answer; the gateway replays one choice.
        if (choice.value(key("index")).toInteger(0) != 0) {
            m_unusable = true;
            return;
        }
        handleDelta(choice.value(key("delta")).toObject());
        const QJsonValue finish = choice.value(key("finish_reason"));
        if (finish.isString() && !finish.toString().isEmpty())
            m_finishReason = finish.toString();
    }
}

void StreamCapture::handleDelta(const QJsonObject &delta)
{
    for (auto it = delta.begin(); it != delta.end(); ++it) {
        const QString name = it.key();
        const QJsonValue value = it.value();
        if (name == QLatin1String("role")) {
            if (value.isString())
                m_role = value.toString();
        } else if (name == QLatin1String("tool_calls")) {
            for (const QJsonValue &entry : value.toArray()) {
                const QJsonObject call = entry.toObject();
                ToolCallParts &parts = m_toolCalls[int(call.value(key("index")).toInteger(0))];
                const QJsonObject function = call.value(key("function")).toObject();
                // Id and name come once (some servers repeat them on every delta, so
                // the first wins); arguments arrive in pieces.
                if (parts.id.isEmpty())
                    parts.id = call.value(key("id")).toString();
                if (parts.name.isEmpty())
                    parts.name = function.value(key("name")).toString();
                parts.arguments += function.value(key("arguments")).toString();
                if (call.contains(key("extra_content")))
                    parts.extraContent = call.value(key("extra_content"));
            }
        } else if (name == QLatin1String("thinking_blocks")) {
            for (const QJsonValue &block : value.toArray())
                m_thinkingBlocks.append(block);
        } else if (value.isString()) {
            m_text[name] += value.toString();
        }
    }
}

void StreamCapture::streamFrame(const QByteArray &frame, bool content)
{
    Q_UNUSED(content);
    feed(frame);
}

void StreamCapture::streamUsage(const TokenUsage &usage)
{
    if (usage.known)
        m_usage = usage;
}

void StreamCapture::streamCompleted(const QByteArray &terminator)
{
    feed(terminator);
    // The decoder judged the stream complete even if its terminator is not [DONE]
    // (it synthesises one for servers that close without it).
    m_done = true;
}

void StreamCapture::streamFailed(const ApiError &error)
{
    Q_UNUSED(error);
    m_unusable = true;
}

std::optional<CacheEntry> StreamCapture::entry() const
{
    if (m_unusable || !m_done || m_finishReason.isEmpty() || m_parser.hasPartialEvent())
        return std::nullopt;

    QJsonArray toolCalls;
    for (auto it = m_toolCalls.cbegin(); it != m_toolCalls.cend(); ++it) {
        const ToolCallParts &parts = it.value();
        if (parts.id.isEmpty() || parts.name.isEmpty())
            return std::nullopt; // a call no client could answer
        QJsonObject call{{key("id"), parts.id},
                         {key("type"), key("function")},
                         {key("function"), QJsonObject{{key("name"), parts.name},
                                                       {key("arguments"), parts.arguments}}}};
        if (!parts.extraContent.isUndefined())
            call.insert(key("extra_content"), parts.extraContent);
        toolCalls.append(call);
    }

    // OpenAI's own non-stream shape: content null only for a tool-call-only answer,
    // refusal always present.
    QJsonObject message{{key("role"), m_role.isEmpty() ? QStringLiteral("assistant") : m_role}};
    const QString content = m_text.value(QStringLiteral("content"));
    message.insert(key("content"), content.isEmpty() && !toolCalls.isEmpty()
                                       ? QJsonValue(QJsonValue::Null)
                                       : QJsonValue(content));
    for (auto it = m_text.cbegin(); it != m_text.cend(); ++it) {
        if (it.key() != QLatin1String("content") && !it.value().isEmpty())
            message.insert(it.key(), it.value());
    }
    if (!message.contains(key("refusal")))
        message.insert(key("refusal"), QJsonValue(QJsonValue::Null));
    if (!m_thinkingBlocks.isEmpty())
        message.insert(key("thinking_blocks"), m_thinkingBlocks);
    if (!toolCalls.isEmpty())
        message.insert(key("tool_calls"), toolCalls);

    const QJsonObject choice{{key("index"), 0},
                             {key("message"), message},
                             {key("logprobs"), QJsonValue(QJsonValue::Null)},
                             {key("finish_reason"), m_finishReason}};
    QJsonObject body{{key("id"), m_id.isEmpty() ? newCompletionId() : m_id},
                     {key("object"), key("chat.completion")},
                     {key("created"), m_created},
                     {key("model"), m_model},
                     {key("choices"), QJsonArray{choice}}};
    if (!m_systemFingerprint.isEmpty())
        body.insert(key("system_fingerprint"), m_systemFingerprint);
    if (!m_usageObject.isEmpty())
        body.insert(key("usage"), m_usageObject);
    else if (m_usage.known)
        body.insert(key("usage"), encodeOpenAiUsage(m_usage));

    return CacheEntry{QJsonDocument(body).toJson(QJsonDocument::Compact), m_usage};
}

} // namespace onegate
