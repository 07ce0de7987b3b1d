#include "AccessKeyUsageReader.h"

#include <QDate>
#include <QDateTime>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <utility>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// The newest rows of one key, by insertion order. The (access_key) index keeps each key's
// rows in rowid order, so this reads a handful of index entries instead of every row of
// a busy key; taking the largest start time among them covers a long request that
// finished after shorter, later ones.
constexpr int kLatestRows = 100;

} // namespace

// Lives on the reader's thread and owns the only connection it uses.
class AccessKeyUsageQuery final : public QObject {
public:
    explicit AccessKeyUsageQuery(QString path)
        : m_path(std::move(path))
        , m_connectionName(u"onegate-usage-reader-"_s +
                           QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
    }
    ~AccessKeyUsageQuery() override { close(); }
    Q_DISABLE_COPY_MOVE(AccessKeyUsageQuery)

    std::pair<AccessKeyUsageByName, QString> run(const QStringList &names)
    {
        if (!QFileInfo::exists(m_path))
            return {};
        QString error;
        AccessKeyUsageByName usage;
        if (!open(&error) || !query(names, usage, &error)) {
            close(); // opened afresh next time, in case the file was replaced
            return {{}, error};
        }
        return {usage, {}};
    }

private:
    bool open(QString *error)
    {
        if (QSqlDatabase::contains(m_connectionName))
            return true;
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        db.setDatabaseName(m_path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"_s);
        if (!db.open()) {
            *error = db.lastError().text();
            return false;
        }
        return true;
    }

    void close()
    {
        if (!QSqlDatabase::contains(m_connectionName))
            return;
        QSqlDatabase::database(m_connectionName, false).close();
        QSqlDatabase::removeDatabase(m_connectionName);
    }

    bool query(const QStringList &names, AccessKeyUsageByName &usage, QString *error)
    {
        const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        const qint64 startOfToday = QDate::currentDate().startOfDay().toMSecsSinceEpoch();
        // Uses the time_ms index: only today's rows are read.
        QSqlQuery today(db);
        today.setForwardOnly(true);
        if (!today.prepare(u"SELECT access_key, COUNT(*) FROM usage WHERE time_ms >= ? "
                           u"GROUP BY access_key"_s)) {
            *error = today.lastError().text();
            return false;
        }
        today.addBindValue(startOfToday);
        if (!today.exec()) {
            *error = today.lastError().text();
            return false;
        }
        while (today.next()) {
            const QString name = today.value(0).toString();
            if (names.contains(name))
                usage[name].requestsToday = today.value(1).toLongLong();
        }

        QSqlQuery latest(db);
        latest.setForwardOnly(true);
        if (!latest.prepare(
                u"SELECT MAX(time_ms) FROM (SELECT time_ms FROM usage "
                u"WHERE access_key = ? ORDER BY id DESC LIMIT %1) AS latest"_s.arg(kLatestRows))) {
            *error = latest.lastError().text();
            return false;
        }
        for (const QString &name : names) {
            latest.addBindValue(name);
            if (!latest.exec()) {
                *error = latest.lastError().text();
                return false;
            }
            if (latest.next() && !latest.isNull(0))
                usage[name].lastUsedMs = latest.value(0).toLongLong();
            latest.finish();
        }
        return true;
    }

    QString m_path;
    QString m_connectionName;
};

AccessKeyUsageReader::AccessKeyUsageReader(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_query(new AccessKeyUsageQuery(databasePath))
{
    m_thread.setObjectName(u"onegate-usage-reader"_s);
    m_query->moveToThread(&m_thread);
    // Deleted on its own thread, where its connection was made.
    connect(&m_thread, &QThread::finished, m_query, &QObject::deleteLater);
    m_thread.start();
}

AccessKeyUsageReader::~AccessKeyUsageReader()
{
    m_thread.quit();
    m_thread.wait();
}

void AccessKeyUsageReader::refresh(const QStringList &keyNames)
{
    m_pending = keyNames;
    if (m_running)
        return;
    m_running = true;
    const QStringList names = std::exchange(m_pending, std::nullopt).value();
    QMetaObject::invokeMethod(m_query, [this, query = m_query, names] {
        auto [usage, error] = query->run(names);
        // Back on the owner's thread; dropped if the reader is gone by then.
        QMetaObject::invokeMethod(
            this,
            [this, usage = std::move(usage), error = std::move(error)] {
                m_running = false;
                Q_EMIT finished(usage, error);
                if (m_pending)
                    refresh(*m_pending);
            },
            Qt::QueuedConnection);
    });
}

} // namespace onegate
