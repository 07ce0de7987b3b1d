#pragma once

#include "usage/UsageRecord.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace onegate {

// The usage rows that are not yet in usage.db, appended to a file beside it with one
// write() each. A write that has returned survives kill -9 of the process (the kernel
// holds the page), so a finished request's row is safe the moment its answer ends,
// without waiting for a database commit. Entries carry increasing sequence numbers;
// usage.db records the last one it holds (UsageStore::journalSequence), so a restart
// replays exactly the rows the database is missing.
//
// Not thread-safe: UsageRecorder calls it under its queue's lock.
class UsageJournal final {
public:
    struct Entry {
        qint64 sequence = 0;
        UsageRecord record;
    };

    // Every whole entry in the file at `path` (a torn or corrupt tail is ignored).
    static QList<Entry> readAll(const QString &path, QString *error = nullptr);

    // Opens `path` for appending (creating it). False with *error if it cannot.
    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const { return m_file.isOpen(); }

    bool append(const Entry &entry);
    // Replaces the file's contents with `entries` (what is still waiting for the
    // database): keeps the file small under load that never pauses.
    bool rewrite(const QList<Entry> &entries);
    qint64 size() const { return m_size; }

    static QByteArray encode(const Entry &entry);

private:
    QFile m_file;
    qint64 m_size = 0;
};

} // namespace onegate
