#include "usage/UsageJournal.h"

#include <QDataStream>
#include <QIODevice>

#include <cstdio>

namespace onegate {

namespace {

// [magic u32][payload length u32][payload][checksum u16 of the payload]
constexpr quint32 kMagic = 0x4F475531;  // "OGU1"
constexpr qsizetype kFrameOverhead = 4 + 4 + 2;
constexpr quint32 kMaxPayload = 1 << 20;

QByteArray payload(const UsageJournal::Entry &entry)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    const UsageRecord &r = entry.record;
    out << entry.sequence << r.timeMs << r.accessKey << r.requestedModel << r.provider << r.upstreamModel
        << qint32(r.status) << r.promptTokens << r.completionTokens << r.cachedTokens << r.cacheWriteTokens
        << r.reasoningTokens << r.latencyMs << r.firstTokenMs << r.stream << r.error << qint32(r.attempts)
        << r.cacheHit;
    return bytes;
}

bool decode(const QByteArray &bytes, UsageJournal::Entry *entry)
{
    QDataStream in(bytes);
    in.setVersion(QDataStream::Qt_6_4);
    UsageRecord &r = entry->record;
    qint32 status = 0;
    qint32 attempts = 0;
    in >> entry->sequence >> r.timeMs >> r.accessKey >> r.requestedModel >> r.provider >> r.upstreamModel
        >> status >> r.promptTokens >> r.completionTokens >> r.cachedTokens >> r.cacheWriteTokens
        >> r.reasoningTokens >> r.latencyMs >> r.firstTokenMs >> r.stream >> r.error >> attempts >> r.cacheHit;
    r.status = status;
    r.attempts = attempts;
    return in.status() == QDataStream::Ok && in.atEnd();
}

quint32 readU32(const char *p)
{
    return (quint32(quint8(p[0])) << 24) | (quint32(quint8(p[1])) << 16) | (quint32(quint8(p[2])) << 8)
        | quint32(quint8(p[3]));
}

void putU32(QByteArray &out, quint32 v)
{
    out.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
}

} // namespace

QByteArray UsageJournal::encode(const Entry &entry)
{
    const QByteArray body = payload(entry);
    QByteArray frame;
    frame.reserve(body.size() + kFrameOverhead);
    putU32(frame, kMagic);
    putU32(frame, quint32(body.size()));
    frame.append(body);
    const quint16 sum = qChecksum(body);
    frame.append(char(sum >> 8)).append(char(sum));
    return frame;
}

QList<UsageJournal::Entry> UsageJournal::readAll(const QString &path, QString *error)
{
    QList<Entry> entries;
    QFile file(path);
    if (!file.exists())
        return entries;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.errorString();
        return entries;
    }
    const QByteArray all = file.readAll();
    qsizetype at = 0;
    while (all.size() - at >= kFrameOverhead) {
        const char *p = all.constData() + at;
        const quint32 length = readU32(p + 4);
        if (readU32(p) != kMagic || length > kMaxPayload || all.size() - at < kFrameOverhead + qsizetype(length))
            break;  // a tail cut short by a crash mid-write, or not a journal at all
        const QByteArray body = all.mid(at + 8, length);
        const quint16 sum = quint16((quint8(p[8 + length]) << 8) | quint8(p[9 + length]));
        Entry entry;
        if (sum != qChecksum(body) || !decode(body, &entry))
            break;
        entries.append(entry);
        at += kFrameOverhead + length;
    }
    return entries;
}

bool UsageJournal::open(const QString &path, QString *error)
{
    close();
    m_file.setFileName(path);
    // Unbuffered: each append is one write() straight to the kernel.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
        if (error)
            *error = m_file.errorString();
        return false;
    }
    m_size = m_file.size();
    return true;
}

void UsageJournal::close()
{
    if (m_file.isOpen())
        m_file.close();
    m_size = 0;
}

bool UsageJournal::append(const Entry &entry)
{
    if (!m_file.isOpen())
        return false;
    const QByteArray frame = encode(entry);
    const qint64 written = m_file.write(frame);
    if (written != frame.size()) {
        // A partial frame would hide every later one from readAll(): cut it off.
        if (written > 0)
            m_file.resize(m_size);
        return false;
    }
    m_size += written;
    return true;
}

bool UsageJournal::rewrite(const QList<Entry> &entries)
{
    if (!m_file.isOpen())
        return false;
    if (entries.isEmpty()) {
        // Everything is in the database.
        if (!m_file.resize(0))
            return false;
        m_size = 0;
        return true;
    }
    // Rows still waiting for the database must be in a journal at every moment: the
    // new contents go to a file beside it that then replaces it in one rename.
    const QString path = m_file.fileName();
    QFile next(path + QStringLiteral(".next"));
    QByteArray all;
    for (const Entry &entry : entries)
        all += encode(entry);
    if (!next.open(QIODevice::WriteOnly | QIODevice::Truncate) || next.write(all) != all.size()) {
        next.remove();
        return false;
    }
    next.close();
    if (::rename(QFile::encodeName(next.fileName()).constData(), QFile::encodeName(path).constData()) != 0) {
        next.remove();
        return false;
    }
    return open(path);
}

} // namespace onegate
