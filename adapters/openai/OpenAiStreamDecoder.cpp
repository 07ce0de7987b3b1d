#include "OpenAiStreamDecoder.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

namespace {
// One SSE event; a multi-line payload keeps one `data:` field per line.
QByteArray frameOf(QByteArray data)
{
    return "data: " + data.replace('\n', "\ndata: ") + "\n\n";
}
} // namespace

OpenAiStreamDecoder::OpenAiStreamDecoder(bool clientWantsUsage)
    : m_clientWantsUsage(clientWantsUsage)
{
}

void OpenAiStreamDecoder::feed(QByteArrayView bytes, ChatStreamSink &sink)
{
    if (m_ended)
        return;
    m_events.clear();
    const bool ok = m_parser.feed(bytes, m_events);
    for (const SseEvent &event : std::as_const(m_events)) {
        handle(event, sink);
        if (m_ended)
            return;
    }
    if (!ok) {
        m_ended = true;
        sink.streamFailed(ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                                         QStringLiteral("the provider sent a stream event larger than the limit")));
    }
}

void OpenAiStreamDecoder::handle(const SseEvent &event, ChatStreamSink &sink)
{
    if (event.data == "[DONE]") {
        m_ended = true;
        sink.streamCompleted(frameOf(event.data));
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(event.data);
    if (!doc.isObject()) {
        // Not ours to judge: relay what the provider sent.
        sink.streamFrame(frameOf(event.data), false);
        return;
    }
    const QJsonObject chunk = doc.object();
    if (chunk.contains(QLatin1String("error"))) {
        m_ended = true;
        const QJsonObject inner = chunk.value(QLatin1String("error")).toObject();
        ApiError error = ApiError::make(502, inner.value(QLatin1String("type")).toString(),
                                        inner.value(QLatin1String("code")).toVariant().toString(),
                                        inner.value(QLatin1String("message")).toString());
        error.upstreamBody = event.data;
        sink.streamFailed(error);
        return;
    }
    const QJsonValue usage = chunk.value(QLatin1String("usage"));
    if (usage.isObject())
        sink.streamUsage(tokenUsageFromOpenAi(usage.toObject()));

    const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty() && usage.isObject() && !m_clientWantsUsage)
        return;  // the usage-only chunk we asked for on the client's behalf
    for (const QJsonValue &choice : choices) {
        if (!choice.toObject().value(QLatin1String("finish_reason")).isNull())
            m_sawFinishReason = true;
    }
    sink.streamFrame(frameOf(event.data), !choices.isEmpty());
}

void OpenAiStreamDecoder::finish(ChatStreamSink &sink)
{
    if (m_ended)
        return;
    m_ended = true;
    // Some compatible servers close without [DONE] after a complete answer; a stream cut
    // before any finish_reason is a failure the client must hear about.
    if (m_sawFinishReason && !m_parser.hasPartialEvent()) {
        sink.streamCompleted(frameOf(QByteArrayLiteral("[DONE]")));
        return;
    }
    sink.streamFailed(ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("stream_truncated"),
                                     QStringLiteral("the provider's stream ended before it was complete")));
}

} // namespace onegate
