#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace onegate {

// Incremental NDJSON (newline-delimited JSON, application/x-ndjson) splitter, as Ollama
// streams: one record per line, lines end in LF (a CR before it is dropped), blank lines
// are skipped. Never assumes a read boundary is a line boundary. It only frames records:
// parsing each line's JSON is the caller's business.
class NdjsonParser final {
public:
    // `maxLineBytes` bounds one line (the bytes before its LF), so a peer that never sends
    // a newline cannot make the gateway buffer without end.
    explicit NdjsonParser(qsizetype maxLineBytes = 16 * 1024 * 1024);

    // Appends the complete, non-blank lines in `bytes` (line endings removed) to `out`.
    // Returns false once a line is longer than the limit, whether it arrived whole or in
    // pieces; the parser is then unusable and appends nothing more.
    bool feed(QByteArrayView bytes, QList<QByteArray> &out);

    // Bytes after the last LF that are not just whitespace: the stream ended mid-line,
    // or its last record came without a final newline.
    bool hasPartialLine() const;
    // Hands over that unterminated last line (trimmed; empty when there is none), for a
    // caller that accepts a final record without its newline.
    QByteArray takePartialLine();

    bool overflowed() const { return m_overflow; }

private:
    void emitLine(QByteArrayView line, QList<QByteArray> &out) const;

    qsizetype m_limit;
    QByteArray m_pending;  // the start of a line whose LF has not arrived yet
    bool m_overflow = false;
};

} // namespace onegate
