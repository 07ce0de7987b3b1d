#include "NdjsonParser.h"

namespace onegate {

NdjsonParser::NdjsonParser(qsizetype maxLineBytes)
    : m_limit(maxLineBytes)
{
}

bool NdjsonParser::feed(QByteArrayView bytes, QList<QByteArray> &out)
{
    if (m_overflow)
        return false;
    qsizetype start = 0;
    for (qsizetype end = bytes.indexOf('\n'); end >= 0; end = bytes.indexOf('\n', start)) {
        const QByteArrayView tail = bytes.sliced(start, end - start);
        start = end + 1;
        if (m_pending.size() + tail.size() > m_limit) {
            m_overflow = true;
            m_pending.clear();
            return false;
        }
        if (m_pending.isEmpty()) {
            emitLine(tail, out);
        } else {
            m_pending.append(tail);
            emitLine(m_pending, out);
            m_pending.clear();
        }
    }
    m_pending.append(bytes.sliced(start));
    if (m_pending.size() > m_limit) {
        m_overflow = true;
        m_pending.clear();
        return false;
    }
    return true;
}

void NdjsonParser::emitLine(QByteArrayView line, QList<QByteArray> &out) const
{
    // Trimming also drops the CR of a CRLF ending; JSON itself ignores the whitespace.
    const QByteArrayView record = line.trimmed();
    if (!record.isEmpty())
        out.append(record.toByteArray());
}

bool NdjsonParser::hasPartialLine() const
{
    return !QByteArrayView(m_pending).trimmed().isEmpty();
}

QByteArray NdjsonParser::takePartialLine()
{
    const QByteArray line = QByteArrayView(m_pending).trimmed().toByteArray();
    m_pending.clear();
    return line;
}

} // namespace onegate
