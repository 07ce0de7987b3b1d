#include "usage/UsageRecorder.h"

#include "usage/UsageJournal.h"
#include "usage/UsageStore.h"

#include <QDateTime>
#include <QFileInfo>
#include <QList>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>
#include <QTimer>

#include <atomic>
#include <utility>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

Q_LOGGING_CATEGORY(lcUsageRecorder, "onegate.usage")

// Carries one `committed` callback to its context's thread. The callback is connected to
// `committed` with the context as receiver while the caller still knows the context is
// alive; Qt then removes that connection under its own lock if the context dies. A
// QPointer checked on the storage thread followed by a post could race the context's
// destructor on its own thread, this cannot.
class CommitTicket final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommitTicket)

public:
    CommitTicket() = default;
    ~CommitTicket() override = default;

Q_SIGNALS:
    void committed();
};

struct Callback {
    CommitTicket *ticket = nullptr;     // context given: fires on the context's thread
    std::function<void()> direct;       // no context: runs where the batch was committed
};

void release(Callback &callback)
{
    if (callback.ticket) {
        Q_EMIT callback.ticket->committed();
        delete callback.ticket;
        callback.ticket = nullptr;
    } else if (callback.direct) {
        callback.direct();
    }
}

} // namespace

// Lives on the storage thread while the recorder is open and owns the store there. The
// queue is the only state shared with other threads, and only under m_mutex.
class UsageWorker final : public QObject
{
    Q_DISABLE_COPY_MOVE(UsageWorker)

public:
    explicit UsageWorker(UsageRecorder *owner)
        : m_owner(owner)
    {
    }
    ~UsageWorker() override = default;

    // Any thread. Queues the record; true when it is also in the journal (durable).
    // False with *open false when the recorder is not open (nothing queued).
    bool enqueue(const UsageRecord &record, bool *open)
    {
        Wake schedule = Wake::None;
        bool journaled = false;
        {
            QMutexLocker lock(&m_mutex);
            *open = m_open;
            if (!m_open)
                return false;
            UsageJournal::Entry entry{0, record};
            if (m_journal.isOpen()) {
                entry.sequence = m_sequence + 1;
                journaled = m_journal.append(entry);
                if (journaled)
                    m_sequence = entry.sequence;
                else
                    entry.sequence = 0;
            }
            const bool waitsForDatabase = entry.sequence == 0;
            m_records.append(std::move(entry));
            // A journaled row is safe already: it waits up to kBatchMs so that rows share
            // transactions. One that is not journaled is only safe once committed.
            schedule = scheduleDrain(waitsForDatabase || m_records.size() >= kBatchRows);
        }
        post(schedule);
        return journaled;
    }

    // Any thread. Releases `callback` after the next commit (at once when not open).
    void afterCommit(Callback callback)
    {
        Wake schedule = Wake::None;
        bool queued = false;
        {
            QMutexLocker lock(&m_mutex);
            if (m_open) {
                m_callbacks.append(std::exchange(callback, Callback{}));
                queued = true;
                schedule = scheduleDrain(true);
            }
        }
        post(schedule);
        if (!queued)
            release(callback);
    }

    // Storage thread from here on.
    QString openStore(const QString &path)
    {
        auto store = std::make_unique<UsageStore>();
        QString error;
        if (!store->open(path, &error))
            return error.isEmpty() ? u"cannot open the usage database"_s : error;
        m_store = std::move(store);
        const qint64 sequence = path == u":memory:"_s ? 0 : replayJournal(journalPath(path));
        QMutexLocker lock(&m_mutex);
        m_sequence = sequence;
        if (path != u":memory:"_s) {
            QString journalError;
            if (!m_journal.open(journalPath(path), &journalError) || !m_journal.rewrite({}))
                qCWarning(lcUsageRecorder).noquote()
                    << "usage rows wait for the database commit: the journal cannot be written:" << journalError;
        }
        m_open = true;
        return {};
    }

    static QString journalPath(const QString &databasePath) { return databasePath + u".pending"_s; }

    // Writes the journal's rows the database does not hold yet (the process died before
    // their batch was committed). Returns the sequence to continue from.
    qint64 replayJournal(const QString &path)
    {
        QString error;
        const QList<UsageJournal::Entry> entries = UsageJournal::readAll(path, &error);
        if (!error.isEmpty())
            qCWarning(lcUsageRecorder).noquote() << "cannot read the usage journal:" << error;
        const qint64 stored = m_store->journalSequence(&error);
        if (stored < 0) {
            qCWarning(lcUsageRecorder).noquote() << error;
            return 0;
        }
        QList<UsageRecord> missing;
        qint64 last = stored;
        for (const UsageJournal::Entry &entry : entries) {
            if (entry.sequence > stored)
                missing.append(entry.record);
            last = qMax(last, entry.sequence);
        }
        if (!missing.isEmpty()) {
            if (m_store->insert(missing, &error, last))
                qCInfo(lcUsageRecorder).noquote()
                    << "recovered" << missing.size() << "usage rows from" << QFileInfo(path).fileName();
            else
                reportDropped(missing.size(), error);
        }
        return last;
    }

    // Storage thread. What is queued goes in first, so the totals include it.
    QList<KeyModelTokens> keyTokensSince(qint64 sinceMs, QString *error)
    {
        drain();
        if (!m_store) {
            if (error)
                *error = u"the usage database is not open"_s;
            return {};
        }
        return m_store->keyTokensSince(sinceMs, error);
    }

    void closeStore()
    {
        {
            QMutexLocker lock(&m_mutex);
            m_open = false;
        }
        // Nothing can be queued any more; commit what already was.
        drain();
        // The timer lives on this thread and must die here, before the worker moves home.
        delete m_pruneTimer;
        m_pruneTimer = nullptr;
        delete m_batchTimer;
        m_batchTimer = nullptr;
        m_store.reset();
        QMutexLocker lock(&m_mutex);
        m_journal.close();
    }

    void setRetention(int days, int intervalMs)
    {
        m_retentionDays = days;
        if (!m_pruneTimer) {
            m_pruneTimer = new QTimer(this);
            QObject::connect(m_pruneTimer, &QTimer::timeout, this, [this] { prune(); });
        }
        if (days <= 0) {
            m_pruneTimer->stop();
            return;
        }
        prune();
        m_pruneTimer->start(intervalMs);
    }

    void prune()
    {
        if (!m_store || m_retentionDays <= 0)
            return;
        constexpr qint64 kDayMs = 24 * 60 * 60 * 1000;
        const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - m_retentionDays * kDayMs;
        QString error;
        const qint64 deleted = m_store->pruneOlderThan(cutoff, &error);
        if (deleted < 0)
            qCWarning(lcUsageRecorder).noquote() << "pruning old usage rows failed:" << error;
        else if (deleted > 0)
            qCInfo(lcUsageRecorder).noquote()
                << "deleted" << deleted << "usage rows older than" << m_retentionDays << "days";
        Q_EMIT m_owner->pruned(deleted, error);
    }

    void drain()
    {
        QList<UsageJournal::Entry> entries;
        QList<Callback> callbacks;
        {
            QMutexLocker lock(&m_mutex);
            entries.swap(m_records);
            callbacks.swap(m_callbacks);
            m_drainScheduled = false;
            m_promptDrainScheduled = false;
        }
        if (m_batchTimer)
            m_batchTimer->stop();
        if (!entries.isEmpty())
            commit(entries);
        for (Callback &callback : callbacks)
            release(callback);
    }

    void commit(const QList<UsageJournal::Entry> &entries)
    {
        QList<UsageRecord> records;
        records.reserve(entries.size());
        qint64 lastSequence = 0;
        for (const UsageJournal::Entry &entry : entries) {
            records.append(entry.record);
            lastSequence = qMax(lastSequence, entry.sequence);
        }
        QString error;
        bool written = false;
        if (m_store) {
            written = m_store->insert(records, &error, lastSequence);
            if (!written) {
                // Transient causes (a lock held past busy_timeout, a statement invalidated
                // by a schema change) usually clear on a second attempt.
                qCWarning(lcUsageRecorder).noquote()
                    << "writing" << records.size() << "usage rows failed, retrying once:"
                    << error;
                written = m_store->insert(records, &error, lastSequence);
            }
        } else {
            error = u"usage database is not open"_s;
        }
        if (!written) {
            reportDropped(records.size(), error);
            return;
        }
        // The journal only needs what the database does not hold yet: empty it when
        // nothing is waiting, and under load that never pauses, keep just the waiting rows.
        QMutexLocker lock(&m_mutex);
        if (m_journal.isOpen() && m_journal.size() > 0
            && (m_records.isEmpty() || m_journal.size() > kJournalRewriteBytes)) {
            if (!m_journal.rewrite(m_records))
                qCWarning(lcUsageRecorder).noquote() << "cannot shorten the usage journal";
        }
    }

    void reportDropped(qsizetype count, const QString &error)
    {
        m_dropped.fetch_add(count, std::memory_order_relaxed);
        qCWarning(lcUsageRecorder).noquote()
            << count << "usage rows were lost:" << error;
        Q_EMIT m_owner->recordsDropped(count, error);
    }

    qint64 dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    UsageRecorder *m_owner;
    std::unique_ptr<UsageStore> m_store;  // storage thread only
    QTimer *m_pruneTimer = nullptr;       // storage thread only
    QTimer *m_batchTimer = nullptr;       // storage thread only
    qint64 m_retentionDays = 0;           // storage thread only
    std::atomic<qint64> m_dropped{0};

    // Under m_mutex. One wake-up per batch, not per record: what arrives while a drain
    // is pending rides along with it. True when the caller must post it.
    // `prompt`: drain on the next turn of the storage thread's loop, else within kBatchMs.
    enum class Wake { None, Batch, Prompt };
    Wake scheduleDrain(bool prompt)
    {
        if (prompt)
            return std::exchange(m_promptDrainScheduled, true) ? Wake::None : Wake::Prompt;
        return std::exchange(m_drainScheduled, true) ? Wake::None : Wake::Batch;
    }
    // Outside m_mutex.
    void post(Wake wake)
    {
        if (wake == Wake::Prompt)
            QMetaObject::invokeMethod(this, &UsageWorker::drain, Qt::QueuedConnection);
        else if (wake == Wake::Batch)
            QMetaObject::invokeMethod(this, &UsageWorker::startBatchTimer, Qt::QueuedConnection);
    }
    // Storage thread.
    void startBatchTimer()
    {
        if (!m_store)
            return;  // closed meanwhile: closeStore() drained everything
        if (!m_batchTimer) {
            m_batchTimer = new QTimer(this);
            m_batchTimer->setSingleShot(true);
            QObject::connect(m_batchTimer, &QTimer::timeout, this, [this] { drain(); });
        }
        if (!m_batchTimer->isActive())
            m_batchTimer->start(kBatchMs);
    }

    static constexpr int kBatchMs = 25;
    static constexpr qsizetype kBatchRows = 1000;

    static constexpr qint64 kJournalRewriteBytes = 4 * 1024 * 1024;

    QMutex m_mutex;
    QList<UsageJournal::Entry> m_records;  // sequence 0: not in the journal
    QList<Callback> m_callbacks;
    UsageJournal m_journal;
    qint64 m_sequence = 0;  // the journal's last entry
    bool m_drainScheduled = false;        // a batch drain is on its way
    bool m_promptDrainScheduled = false;  // a drain on the next loop turn is on its way
    bool m_open = false;
};

UsageRecorder::UsageRecorder(QObject *parent)
    : QObject(parent)
    , m_worker(std::make_unique<UsageWorker>(this))
{
    // QThread names the OS thread after its objectName, which shows in debuggers and top.
    m_thread.setObjectName(u"onegate-storage"_s);
}

UsageRecorder::~UsageRecorder()
{
    stop();
}

QString UsageRecorder::open(const QString &databasePath)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_thread.isRunning())
        return u"the usage recorder is already open"_s;

    m_worker->moveToThread(&m_thread);
    m_thread.start();
    QString error;
    UsageWorker *worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, &databasePath, &error] { error = worker->openStore(databasePath); },
        Qt::BlockingQueuedConnection);
    if (!error.isEmpty()) {
        stop();
        return error;
    }
    sendRetention();
    return error;
}

bool UsageRecorder::record(const UsageRecord &record)
{
    // An error text comes from wherever the request failed, up to a provider's whole
    // error body: a row keeps its start, enough to say what went wrong.
    if (record.error.size() > kMaxErrorChars) {
        UsageRecord capped = record;
        capped.error.truncate(kMaxErrorChars);
        return this->record(capped);
    }
    bool open = false;
    const bool journaled = m_worker->enqueue(record, &open);
    if (!open)
        m_worker->reportDropped(1, u"the usage recorder is not open"_s);
    return journaled;
}

void UsageRecorder::record(const UsageRecord &record, QObject *context, std::function<void()> committed)
{
    this->record(record);
    if (committed)
        afterCommit(context, std::move(committed));
}

void UsageRecorder::afterCommit(QObject *context, std::function<void()> done)
{
    Callback callback;
    if (context) {
        callback.ticket = new CommitTicket;
        connect(callback.ticket, &CommitTicket::committed, context, std::move(done),
                Qt::ConnectionType(Qt::QueuedConnection | Qt::SingleShotConnection));
        // Thread-less, so the storage thread may emit and delete it: it never receives
        // events, it only sends one signal.
        callback.ticket->moveToThread(nullptr);
    } else {
        callback.direct = std::move(done);
    }
    m_worker->afterCommit(std::move(callback));
}

void UsageRecorder::flush()
{
    if (!m_thread.isRunning())
        return;
    UsageWorker *worker = m_worker.get();
    if (QThread::currentThread() == &m_thread) {
        worker->drain();
        return;
    }
    // drain() takes everything queued so far, so returning from it means every record
    // enqueued before this call is committed.
    QMetaObject::invokeMethod(worker, [worker] { worker->drain(); },
                              Qt::BlockingQueuedConnection);
}

QList<KeyModelTokens> UsageRecorder::keyTokensSince(qint64 sinceMs, QString *error)
{
    QList<KeyModelTokens> totals;
    if (!m_thread.isRunning()) {
        if (error)
            *error = u"the usage recorder is not open"_s;
        return totals;
    }
    Q_ASSERT(QThread::currentThread() != &m_thread);
    UsageWorker *worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, sinceMs, &totals, error] { totals = worker->keyTokensSince(sinceMs, error); },
        Qt::BlockingQueuedConnection);
    return totals;
}

void UsageRecorder::stop()
{
    if (!m_thread.isRunning())
        return;
    Q_ASSERT(QThread::currentThread() != &m_thread);
    UsageWorker *worker = m_worker.get();
    QThread *home = thread();
    QMetaObject::invokeMethod(
        worker,
        [worker, home] {
            worker->closeStore();
            // Back to the owner's thread so the recorder can be reopened and the worker
            // is destroyed where it lives.
            worker->moveToThread(home);
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void UsageRecorder::setRetentionDays(int days, int intervalMs)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_retentionDays = qMax(0, days);
    m_pruneIntervalMs = qMax(1, intervalMs);
    sendRetention();
}

void UsageRecorder::sendRetention()
{
    if (!m_thread.isRunning())
        return;  // open() sends it
    UsageWorker *worker = m_worker.get();
    const int days = m_retentionDays;
    const int intervalMs = m_pruneIntervalMs;
    // Queued behind the records already sent, so it never races their commit.
    QMetaObject::invokeMethod(worker, [worker, days, intervalMs] { worker->setRetention(days, intervalMs); },
                              Qt::QueuedConnection);
}

qint64 UsageRecorder::droppedRecords() const
{
    return m_worker->dropped();
}

} // namespace onegate

#include "UsageRecorder.moc"
