#pragma once

#include "usage/UsageRecord.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <memory>

class QSqlQuery;

namespace onegate {

// The only class that speaks SQL for usage. It owns one named Qt SQL connection and must
// be used only on the thread that called open() (Qt SQL connections are not thread-safe);
// UsageRecorder runs it on the storage thread. SQL stays portable (QSQLITE today, QPSQL
// possible later); SQLite-only settings are applied only when the driver is QSQLITE.
//
// Schema: numbered migration files (0001_x.sql, 0002_y.sql, ...) applied in order, each
// in its own transaction, the applied number kept in table schema_version. A database
// whose version is newer than the files this build knows is refused.
class UsageStore final
{
    Q_DISABLE_COPY_MOVE(UsageStore)

public:
    // Migrations embedded in the gateway library.
    static QString defaultMigrationsDir();

    // migrationsDir exists for tests that need a schema other than the shipped one.
    explicit UsageStore(const QString &migrationsDir = defaultMigrationsDir());
    ~UsageStore();

    // Opens (creating the file and its folder) and migrates. path may be ":memory:".
    // On failure returns false, fills *error (if given) and leaves the store closed.
    bool open(const QString &path, QString *error = nullptr);
    void close();
    bool isOpen() const;

    // Number of migration files shipped in migrationsDir, or -1 if they are unusable.
    int knownSchemaVersion() const;
    // Version recorded in the open database, -1 when closed or unreadable.
    int schemaVersion() const;

    // All rows or none: one transaction, one prepared statement. A `journalSequence`
    // above 0 is recorded in the same transaction as the last journal entry these rows
    // came from (UsageJournal).
    bool insert(const QList<UsageRecord> &batch, QString *error = nullptr, qint64 journalSequence = 0);
    // The last journal entry whose row is in the table (0 if none), -1 on error.
    qint64 journalSequence(QString *error = nullptr) const;
    // Deletes the rows whose time_ms is before `cutoffMs` (ms since the epoch): the
    // retention the user chose. Returns how many were deleted, or -1 (and *error).
    qint64 pruneOlderThan(qint64 cutoffMs, QString *error = nullptr);
    // Per access key and model, the tokens of the rows from `sinceMs` on (cache hits and
    // refusals count no tokens). Empty on error, with *error set.
    QList<KeyModelTokens> keyTokensSince(qint64 sinceMs, QString *error = nullptr) const;
    // Newest first (by time_ms, then insertion order); empty on error.
    QList<UsageRecord> recent(int limit) const;
    // "ok", or what the engine reports as wrong. Drivers without a check report "ok".
    QString integrityCheck() const;

    QString connectionName() const { return m_connectionName; }

private:
    struct Migration {
        int version = 0;
        QString fileName;
    };
    bool listMigrations(QList<Migration> *migrations, QString *error) const;
    bool applyPragmas(const QString &path, QString *error);
    bool migrate(QString *error);
    bool applyMigration(const Migration &migration, QString *error);
    QString idColumnDefinition() const;
    bool isSqlite() const;

    QString m_migrationsDir;
    QString m_connectionName;
    QSqlDatabase m_db;
    std::unique_ptr<QSqlQuery> m_insert;
};

} // namespace onegate
