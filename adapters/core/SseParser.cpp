#include "SseParser.h"

namespace onegate {

SseParser::SseParser(qsizetype maxEventBytes)
    : m_limit(maxEventBytes)
{
}

bool SseParser::feed(QByteArrayView bytes, QList<SseEvent> &out)
{
    if (m_overflow)
        return false;
    if (m_skipLeadingLf && !bytes.isEmpty()) {
        if (bytes.front() == '\n')
            bytes = bytes.sliced(1);
        m_skipLeadingLf = false;
    }
    qsizetype start = 0;
    const qsizetype size = bytes.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = bytes[i];
        if (c != '\n' && c != '\r')
            continue;
        const QByteArrayView tail = bytes.sliced(start, i - start);
        if (m_pending.isEmpty()) {
            processLine(tail, out);
        } else {
            m_pending.append(tail);
            processLine(m_pending, out);
            m_pending.clear();
        }
        if (c == '\r') {
            if (i + 1 < size) {
                if (bytes[i + 1] == '\n')
                    ++i;
            } else {
                m_skipLeadingLf = true;
            }
        }
        start = i + 1;
        if (m_overflow)
            return false;
    }
    if (start < size)
        m_pending.append(bytes.sliced(start));
    if (m_pending.size() + m_eventBytes > m_limit) {
        m_overflow = true;
        return false;
    }
    return true;
}

bool SseParser::hasPartialEvent() const
{
    return !m_pending.isEmpty() || m_hasData || !m_current.event.isEmpty();
}

void SseParser::processLine(QByteArrayView line, QList<SseEvent> &out)
{
    if (line.isEmpty()) {
        if (m_hasData) {
            out.append(std::move(m_current));
        }
        m_current = SseEvent{};
        m_hasData = false;
        m_eventBytes = 0;
        return;
    }
    if (line.front() == ':') {
        // A comment (": OPENROUTER PROCESSING" keep-alives) adds nothing to the event,
        // but while it waited for its end it counted like any other line: it must
        // count here too, or a long one passes when it arrives whole and overflows when
        // it comes in pieces.
        if (m_eventBytes + line.size() > m_limit)
            m_overflow = true;
        return;
    }

    m_eventBytes += line.size();
    if (m_eventBytes > m_limit) {
        m_overflow = true;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (!value.isEmpty() && value.front() == ' ')
        value = value.sliced(1);

    if (field == "data") {
        if (m_hasData)
            m_current.data.append('\n');
        m_current.data.append(value);
        m_hasData = true;
    } else if (field == "event") {
        m_current.event = value.toByteArray();
    } else if (field == "id") {
        m_current.id = value.toByteArray();
    }
    // "retry" and unknown fields are ignored, as the standard says.
}

} // namespace onegate
