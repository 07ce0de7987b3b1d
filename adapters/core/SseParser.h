#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace onegate {

struct SseEvent {
    QByteArray event;  // empty means the default "message"
    QByteArray data;   // data lines joined with '\n'
    QByteArray id;
};

// Incremental Server-Sent Events parser (WHATWG rules): lines end in CRLF, LF or CR,
// even when a CRLF pair is split across two reads; ':' lines are comments; an empty line
// dispatches. Never assumes a read boundary is an event boundary.
class SseParser final {
public:
    explicit SseParser(qsizetype maxEventBytes = 16 * 1024 * 1024);

    // Appends complete events to `out`. Returns false once a single event (or a line
    // still waiting for its end) grows past the limit; the parser is then unusable.
    bool feed(QByteArrayView bytes, QList<SseEvent> &out);

    // Bytes of an unfinished event are still buffered (the stream ended mid-event).
    bool hasPartialEvent() const;
    bool overflowed() const { return m_overflow; }

private:
    void processLine(QByteArrayView line, QList<SseEvent> &out);

    qsizetype m_limit;
    QByteArray m_pending;        // bytes after the last complete line
    bool m_skipLeadingLf = false; // last read ended in CR: a following LF belongs to it
    bool m_overflow = false;
    SseEvent m_current;
    bool m_hasData = false;
    qsizetype m_eventBytes = 0;
};

} // namespace onegate
