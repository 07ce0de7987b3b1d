#pragma once

#include "usage/UsageRecord.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>

namespace onegate {

class UsageWorker;

// Writes usage rows on a dedicated storage thread ("onegate-storage") that owns the only
// UsageStore connection. The gateway thread never waits for SQL: record() queues and
// returns; the storage thread commits everything queued so far as one transaction, so
// batches grow by themselves under load.
//
// A row is durable (survives kill -9 of the process) as soon as record() returns true:
// it is then in the journal beside usage.db (UsageJournal, `<database>.pending`), which
// the next open() replays into the database if the process died before the commit. So a
// finished request never waits for a commit before its last bytes.
//
// Contract:
// - open(), flush() and stop() are called from the thread that owns this object.
// - record() and afterCommit() may be called from any thread while this object exists; a
//   record that arrives when the recorder is not open is reported as dropped, never queued.
// - afterCommit's `done` runs once everything recorded before it is in the database, on
//   `context`'s thread; it is skipped if `context` is destroyed first. Without a context
//   it runs on the storage thread and must be quick. If rows cannot be written even
//   after one retry, the loss is logged and reported (recordsDropped) and `done` still
//   runs, so a storage fault never holds a client's response hostage.
// - Destruction stops the recorder: everything recorded before is committed first.
class UsageRecorder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageRecorder)

public:
    explicit UsageRecorder(QObject *parent = nullptr);
    ~UsageRecorder() override;

    // Starts the storage thread and opens (creating, migrating) the database there.
    // Blocks until done; returns an empty string or the error. Opening twice is an error.
    QString open(const QString &databasePath);

    // Error texts longer than kMaxErrorChars are cut there.
    static constexpr qsizetype kMaxErrorChars = 2000;
    // Queues a row; true when it is durable already (journaled). False when it waits for
    // the database (no journal: ":memory:", or the journal cannot be written) or was
    // dropped (not open).
    bool record(const UsageRecord &record);
    // record(), then afterCommit(context, committed).
    void record(const UsageRecord &record, QObject *context, std::function<void()> committed);
    void afterCommit(QObject *context, std::function<void()> done);

    // Blocks until everything recorded before this call is committed (or reported lost).
    void flush();

    // Flushes, closes the database on the storage thread and joins it. Records arriving
    // afterwards are reported as dropped. open() may be called again afterwards.
    void stop();

    // The tokens each access key spent on each model from `sinceMs` on, read on the
    // storage thread after everything recorded before this call is committed. Blocks; call
    // from any thread but the storage thread. Empty (with *error) when not open.
    QList<KeyModelTokens> keyTokensSince(qint64 sinceMs, QString *error = nullptr);

    // Rows lost since construction because writing failed twice or came after stop().
    qint64 droppedRecords() const;

    // Keeps `days` days of usage (the user's retention setting): on the storage thread,
    // rows older than that are deleted at once and then every `intervalMs` (a day; tests
    // shorten it) while the recorder is open. 0, the default, keeps everything. Call from
    // the owning thread, before or after open(); the setting survives stop() and open().
    static constexpr int kPruneIntervalMs = 24 * 60 * 60 * 1000;
    void setRetentionDays(int days, int intervalMs = kPruneIntervalMs);
    int retentionDays() const { return m_retentionDays; }

Q_SIGNALS:
    // Emitted from the storage thread (queued to receivers on other threads).
    void recordsDropped(qsizetype count, const QString &error);
    // After each pruning pass, from the storage thread: how many rows were deleted, or -1
    // and why not.
    void pruned(qint64 rows, const QString &error);

private:
    void sendRetention();

    QThread m_thread;
    std::unique_ptr<UsageWorker> m_worker;
    int m_retentionDays = 0;
    int m_pruneIntervalMs = kPruneIntervalMs;
};

} // namespace onegate
