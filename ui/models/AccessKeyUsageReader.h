#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <optional>

namespace onegate {

class AccessKeyUsageQuery;

struct AccessKeyUsage {
    qint64 lastUsedMs = 0;    // start of the key's latest request; 0 when it has none
    qint64 requestsToday = 0; // since local midnight
};
using AccessKeyUsageByName = QHash<QString, AccessKeyUsage>;

// When each access key was last used and how many requests it made today, read from
// usage.db. usage.db can hold millions of rows, so the queries run on a thread of their
// own ("onegate-usage-reader") with a read-only connection of their own; the window
// never waits for SQL. The gateway's UsageRecorder keeps writing meanwhile (WAL lets a
// reader and a writer work side by side).
//
// refresh() may be called at any rate: a request made while the previous one runs is
// answered by the next run. Each run ends in exactly one finished(), on the thread that
// owns this object.
class AccessKeyUsageReader final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeyUsageReader)
public:
    explicit AccessKeyUsageReader(const QString &databasePath, QObject *parent = nullptr);
    ~AccessKeyUsageReader() override; // waits for a query under way

    void refresh(const QStringList &keyNames);

Q_SIGNALS:
    // Keys with no rows are missing from `usage`. `error` is empty, or says why the
    // numbers could not be read (they are then empty too). A database that does not exist
    // yet is no error: nothing has been used.
    void finished(const onegate::AccessKeyUsageByName &usage, const QString &error);

private:
    QThread m_thread;
    AccessKeyUsageQuery *m_query; // lives on m_thread
    bool m_running = false;
    std::optional<QStringList> m_pending; // asked for while a run was under way
};

} // namespace onegate
