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

} // namespace onegate
