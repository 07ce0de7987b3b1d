#include "ChatChunkReader.h"

#include <QJsonDocument>

namespace onegate {

bool ChatChunkReader::read(const QByteArray &frame, const std::function<bool(const QJsonObject &)> &chunk)
{
    m_events.clear();
    const bool ok = m_parser.feed(frame, m_events);
    for (const SseEvent &event : std::as_const(m_events)) {
        if (event.data == "[DONE]")
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(event.data);
        if (doc.isObject() && !chunk(doc.object()))
            break;
    }
    return ok;
}

ApiError ChatChunkReader::tooLarge()
{
    return ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("bad_upstream_response"),
                          QStringLiteral("the provider sent a stream event larger than the limit"), true);
}

std::optional<ApiError> ChatChunkReader::errorOf(const QJsonObject &chunk)
{
    if (!chunk.contains(QLatin1String("error")))
        return std::nullopt;
    const QJsonObject inner = chunk.value(QLatin1String("error")).toObject();
    return ApiError::make(502, inner.value(QLatin1String("type")).toString(),
                          inner.value(QLatin1String("code")).toVariant().toString(),
                          inner.value(QLatin1String("message")).toString());
}

std::optional<TokenUsage> ChatChunkReader::usageOf(const QJsonObject &chunk)
{
    const QJsonValue usage = chunk.value(QLatin1String("usage"));
    if (!usage.isObject())
        return std::nullopt;
    const TokenUsage counts = tokenUsageFromOpenAi(usage.toObject());
    if (!counts.known)
        return std::nullopt;
    return counts;
}

} // namespace onegate
