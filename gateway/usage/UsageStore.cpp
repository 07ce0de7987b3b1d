#include "usage/UsageStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <atomic>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

Q_LOGGING_CATEGORY(lcUsageStore, "onegate.usage")

constexpr auto kSqliteDriver = "QSQLITE";
// Long enough to ride out another connection's checkpoint or a short writer; short enough
// that a stuck lock surfaces as an error instead of a hang.
constexpr int kBusyTimeoutMs = 5000;

QString nextConnectionName()
{
    static std::atomic<quint64> counter{0};
    return u"onegate-usage-"_s + QString::number(++counter);
}

QString describe(const QString &what, const QSqlError &sqlError)
{
    const QString text = sqlError.text().trimmed();
    return text.isEmpty() ? what : what + u": "_s + text;
}

void setError(QString *error, const QString &text)
{
    if (error)
        *error = text;
}

// Qt binds a null QString as SQL NULL; the text columns are NOT NULL, and an empty name
// is a value, not an absence.
QVariant textValue(const QString &text)
{
    return text.isNull() ? QVariant(QString(u""_s)) : QVariant(text);
}

// Comments first, so a ';' in a comment cannot split a statement.
QStringList splitStatements(const QString &script)
{
    QString withoutComments;
    withoutComments.reserve(script.size());
    const QStringList lines = script.split(u'\n');
    for (const QString &line : lines) {
        const qsizetype comment = line.indexOf(u"--"_s);
        withoutComments += (comment < 0 ? line : line.left(comment)) + u'\n';
    }
    QStringList statements;
    const QStringList parts = withoutComments.split(u';');
    for (const QString &part : parts) {
        const QString statement = part.trimmed();
        if (!statement.isEmpty())
            statements.append(statement);
    }
    return statements;
}

constexpr auto kSelectColumns =
    "time_ms, access_key, requested_model, provider, upstream_model, status, prompt_tokens, "
    "completion_tokens, cached_tokens, reasoning_tokens, latency_ms, first_token_ms, stream, "
    "error, attempts, cache_hit, cache_write_tokens";

} // namespace

QString UsageStore::defaultMigrationsDir()
{
    return u":/onegate/migrations"_s;
}

UsageStore::UsageStore(const QString &migrationsDir)
    : m_migrationsDir(migrationsDir)
    , m_connectionName(nextConnectionName())
{
}

UsageStore::~UsageStore()
{
    close();
}

bool UsageStore::open(const QString &path, QString *error)
{
    close();
    if (!QSqlDatabase::isDriverAvailable(QLatin1StringView(kSqliteDriver))) {
        setError(error, u"the Qt SQLite driver (QSQLITE) is not available"_s);
        return false;
    }
    if (path != u":memory:"_s) {
        const QString folder = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(folder)) {
            setError(error, u"cannot create the folder "_s + QDir::toNativeSeparators(folder));
            return false;
        }
    }

    m_db = QSqlDatabase::addDatabase(QLatin1StringView(kSqliteDriver), m_connectionName);
    m_db.setDatabaseName(path);
    if (!m_db.open()) {
        setError(error, describe(u"cannot open "_s + QDir::toNativeSeparators(path),
                                 m_db.lastError()));
        close();
        return false;
    }
    if (!applyPragmas(path, error) || !migrate(error)) {
        close();
        return false;
    }
    return true;
}

void UsageStore::close()
{
    m_insert.reset();
    if (m_db.isValid()) {
        m_db.close();
        // removeDatabase() warns while any handle to the connection is alive.
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool UsageStore::isOpen() const
{
    return m_db.isValid() && m_db.isOpen();
}

bool UsageStore::isSqlite() const
{
    return m_db.driverName() == QLatin1StringView(kSqliteDriver);
}

bool UsageStore::applyPragmas(const QString &path, QString *error)
{
    if (!isSqlite())
        return true;
    QSqlQuery query(m_db);
    // WAL with synchronous=NORMAL: a commit is written to the WAL file (the OS page cache)
    // before COMMIT returns, so a row survives kill -9 of this process. Only an OS crash
    // or power loss can lose the last commits, because WAL is not fsynced on each commit;
    // that trade buys commits in tens of microseconds instead of an fsync each.
    if (!query.exec(u"PRAGMA journal_mode=WAL"_s)) {
        setError(error, describe(u"cannot set journal_mode=WAL"_s, query.lastError()));
        return false;
    }
    const QString mode = query.next() ? query.value(0).toString() : QString();
    if (path != u":memory:"_s && mode.compare(u"wal"_s, Qt::CaseInsensitive) != 0) {
        // Some file systems (network mounts) cannot do WAL; SQLite then keeps its rollback
        // journal, which is still crash-safe, only slower.
        qCWarning(lcUsageStore).noquote()
            << "usage database is not in WAL mode, journal_mode is" << mode;
    }
    const QString pragmas[] = {
        u"PRAGMA synchronous=NORMAL"_s,
        u"PRAGMA busy_timeout="_s + QString::number(kBusyTimeoutMs),
    };
    for (const QString &pragma : pragmas) {
        if (!query.exec(pragma)) {
            setError(error, describe(u"cannot apply "_s + pragma, query.lastError()));
            return false;
        }
    }
    return true;
}

bool UsageStore::listMigrations(QList<Migration> *migrations, QString *error) const
{
    static const QRegularExpression pattern(u"^(\\d{4})_[A-Za-z0-9_]+\\.sql$"_s);
    const QDir dir(m_migrationsDir);
    const QStringList files = dir.entryList({u"*.sql"_s}, QDir::Files, QDir::Name);
    migrations->clear();
    for (const QString &file : files) {
        const QRegularExpressionMatch match = pattern.match(file);
        if (!match.hasMatch()) {
            setError(error, u"migration file name is not NNNN_name.sql: "_s + file);
            return false;
        }
        const int version = match.captured(1).toInt();
        // A gap or a duplicate means a file went missing or two branches both added one.
        if (version != migrations->size() + 1) {
            setError(error, u"migration "_s + file + u" is out of sequence: expected number "_s
                                + QString::number(migrations->size() + 1));
            return false;
        }
        migrations->append({version, dir.filePath(file)});
    }
    if (migrations->isEmpty()) {
        setError(error, u"no usage migrations found in "_s + m_migrationsDir);
        return false;
    }
    return true;
}

int UsageStore::knownSchemaVersion() const
{
    QList<Migration> migrations;
    return listMigrations(&migrations, nullptr) ? int(migrations.size()) : -1;
}

int UsageStore::schemaVersion() const
{
    if (!isOpen())
        return -1;
    QSqlQuery query(m_db);
    if (!query.exec(u"SELECT version FROM schema_version"_s) || !query.next())
        return -1;
    return query.value(0).toInt();
}

QString UsageStore::idColumnDefinition() const
{
    // SQLite: an INTEGER PRIMARY KEY is the rowid, assigned on insert. PostgreSQL needs
    // an identity column for the same behaviour.
    if (m_db.driverName() == u"QPSQL"_s)
        return u"BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"_s;
    return u"INTEGER PRIMARY KEY"_s;
}

bool UsageStore::migrate(QString *error)
{
    QList<Migration> migrations;
    if (!listMigrations(&migrations, error))
        return false;

    // schema_version is bootstrapped outside the numbered files so the version can be read
    // on any database, including one a future build created.
    QSqlQuery query(m_db);
    if (!query.exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s)) {
        setError(error, describe(u"cannot create schema_version"_s, query.lastError()));
        return false;
    }
    if (!query.exec(u"SELECT COUNT(*) FROM schema_version"_s) || !query.next()) {
        setError(error, describe(u"cannot read schema_version"_s, query.lastError()));
        return false;
    }
    if (query.value(0).toInt() == 0
        && !query.exec(u"INSERT INTO schema_version (version) VALUES (0)"_s)) {
        setError(error, describe(u"cannot initialise schema_version"_s, query.lastError()));
        return false;
    }
    query.finish();

    const int current = schemaVersion();
    if (current < 0) {
        setError(error, u"cannot read the usage database schema version"_s);
        return false;
    }
    const int known = int(migrations.size());
    if (current > known) {
        setError(error, u"usage database schema version "_s + QString::number(current)
                            + u" is newer than this OneGate supports (version "_s
                            + QString::number(known)
                            + u"); refusing to open it. Use a newer OneGate or another "
                              u"database file."_s);
        return false;
    }
    for (const Migration &migration : std::as_const(migrations)) {
        if (migration.version > current && !applyMigration(migration, error))
            return false;
    }
    return true;
}

bool UsageStore::applyMigration(const Migration &migration, QString *error)
{
    const QString name = QFileInfo(migration.fileName).fileName();
    QFile file(migration.fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, u"cannot read migration "_s + name);
        return false;
    }
    QString script = QString::fromUtf8(file.readAll());
    script.replace(u"@ID_PRIMARY_KEY@"_s, idColumnDefinition());
    const QStringList statements = splitStatements(script);

    if (!m_db.transaction()) {
        setError(error, describe(u"cannot start migration "_s + name, m_db.lastError()));
        return false;
    }
    QSqlQuery query(m_db);
    bool ok = true;
    QString failure;
    for (const QString &statement : statements) {
        if (!query.exec(statement)) {
            failure = describe(u"migration "_s + name + u" failed"_s, query.lastError());
            ok = false;
            break;
        }
    }
    if (ok) {
        query.prepare(u"UPDATE schema_version SET version = ?"_s);
        query.addBindValue(migration.version);
        if (!query.exec()) {
            failure = describe(u"cannot record migration "_s + name, query.lastError());
            ok = false;
        }
    }
    query.finish();
    if (ok && !m_db.commit()) {
        failure = describe(u"cannot commit migration "_s + name, m_db.lastError());
        ok = false;
    }
    if (!ok) {
        m_db.rollback();
        setError(error, failure);
    }
    return ok;
}

bool UsageStore::insert(const QList<UsageRecord> &batch, QString *error, qint64 journalSequence)
{
    if (!isOpen()) {
        setError(error, u"usage database is not open"_s);
        return false;
    }
    if (batch.isEmpty())
        return true;
    if (!m_insert) {
        m_insert = std::make_unique<QSqlQuery>(m_db);
        const bool prepared = m_insert->prepare(
            u"INSERT INTO usage (time_ms, access_key, requested_model, provider, upstream_model, "
            u"status, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, "
            u"latency_ms, first_token_ms, stream, error, attempts, cache_hit, cache_write_tokens) "
            u"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        if (!prepared) {
            setError(error, describe(u"cannot prepare the usage insert"_s, m_insert->lastError()));
            m_insert.reset();
            return false;
        }
    }
    if (!m_db.transaction()) {
        setError(error, describe(u"cannot start a usage transaction"_s, m_db.lastError()));
        return false;
    }
    QSqlQuery &query = *m_insert;
    for (const UsageRecord &record : batch) {
        query.bindValue(0, record.timeMs);
        query.bindValue(1, textValue(record.accessKey));
        query.bindValue(2, textValue(record.requestedModel));
        query.bindValue(3, textValue(record.provider));
        query.bindValue(4, textValue(record.upstreamModel));
        query.bindValue(5, record.status);
        query.bindValue(6, record.promptTokens);
        query.bindValue(7, record.completionTokens);
        query.bindValue(8, record.cachedTokens);
        query.bindValue(9, record.reasoningTokens);
        query.bindValue(10, record.latencyMs);
        query.bindValue(11, record.firstTokenMs < 0 ? QVariant(QMetaType::fromType<qint64>())
                                                    : QVariant(record.firstTokenMs));
        query.bindValue(12, record.stream ? 1 : 0);
        query.bindValue(13, record.error.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                                   : QVariant(record.error));
        query.bindValue(14, record.attempts);
        query.bindValue(15, record.cacheHit ? 1 : 0);
        query.bindValue(16, record.cacheWriteTokens);
        if (!query.exec()) {
            setError(error, describe(u"cannot insert a usage row"_s, query.lastError()));
            query.finish();
            m_db.rollback();
            // Re-prepare next time: the statement may be what went wrong (schema changed).
            m_insert.reset();
            return false;
        }
    }
    query.finish();
    if (journalSequence > 0) {
        QSqlQuery mark(m_db);
        mark.prepare(u"UPDATE usage_journal SET last_sequence = ?"_s);
        mark.addBindValue(journalSequence);
        if (!mark.exec()) {
            setError(error, describe(u"cannot record the journal position"_s, mark.lastError()));
            mark.finish();
            m_db.rollback();
            return false;
        }
    }
    if (!m_db.commit()) {
        setError(error, describe(u"cannot commit usage rows"_s, m_db.lastError()));
        m_db.rollback();
        return false;
    }
    return true;
}

qint64 UsageStore::journalSequence(QString *error) const
{
    if (!isOpen()) {
        setError(error, u"usage database is not open"_s);
        return -1;
    }
    QSqlQuery query(m_db);
    if (!query.exec(u"SELECT last_sequence FROM usage_journal"_s) || !query.next()) {
        setError(error, describe(u"cannot read the journal position"_s, query.lastError()));
        return -1;
    }
    return query.value(0).toLongLong();
}

qint64 UsageStore::pruneOlderThan(qint64 cutoffMs, QString *error)
{
    if (!isOpen()) {
        setError(error, u"usage database is not open"_s);
        return -1;
    }
    // One statement is one transaction; usage_time_ms_idx makes it a range delete.
    QSqlQuery query(m_db);
    query.prepare(u"DELETE FROM usage WHERE time_ms < ?"_s);
    query.addBindValue(cutoffMs);
    if (!query.exec()) {
        setError(error, describe(u"cannot delete old usage rows"_s, query.lastError()));
        return -1;
    }
    return query.numRowsAffected();
}

QList<KeyModelTokens> UsageStore::keyTokensSince(qint64 sinceMs, QString *error) const
{
    QList<KeyModelTokens> totals;
    if (!isOpen()) {
        setError(error, u"usage database is not open"_s);
        return totals;
    }
    // usage_time_ms_idx makes it a range scan; aggregated in SQL so a month of rows
    // never crosses into C++ one by one.
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT access_key, requested_model, upstream_model, "
                  u"SUM(CASE WHEN prompt_tokens + completion_tokens > 0 THEN 1 ELSE 0 END), SUM(prompt_tokens), "
                  u"SUM(completion_tokens), SUM(cached_tokens), SUM(cache_write_tokens) FROM usage "
                  u"WHERE time_ms >= ? GROUP BY access_key, requested_model, upstream_model"_s);
    query.addBindValue(sinceMs);
    if (!query.exec()) {
        setError(error, describe(u"cannot read usage totals"_s, query.lastError()));
        return totals;
    }
    while (query.next()) {
        totals.append({query.value(0).toString(), query.value(1).toString(), query.value(2).toString(),
                       query.value(3).toLongLong(), query.value(4).toLongLong(), query.value(5).toLongLong(),
                       query.value(6).toLongLong(), query.value(7).toLongLong()});
    }
    return totals;
}

QList<UsageRecord> UsageStore::recent(int limit) const
{
    QList<UsageRecord> records;
    if (!isOpen() || limit <= 0)
        return records;
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT "_s + QLatin1StringView(kSelectColumns)
                  + u" FROM usage ORDER BY time_ms DESC, id DESC LIMIT ?"_s);
    query.addBindValue(limit);
    if (!query.exec()) {
        qCWarning(lcUsageStore).noquote()
            << describe(u"cannot read recent usage"_s, query.lastError());
        return records;
    }
    while (query.next()) {
        UsageRecord record;
        record.timeMs = query.value(0).toLongLong();
        record.accessKey = query.value(1).toString();
        record.requestedModel = query.value(2).toString();
        record.provider = query.value(3).toString();
        record.upstreamModel = query.value(4).toString();
        record.status = query.value(5).toInt();
        record.promptTokens = query.value(6).toLongLong();
        record.completionTokens = query.value(7).toLongLong();
        record.cachedTokens = query.value(8).toLongLong();
        record.reasoningTokens = query.value(9).toLongLong();
        record.latencyMs = query.value(10).toLongLong();
        const QVariant firstToken = query.value(11);
        record.firstTokenMs = firstToken.isNull() ? -1 : firstToken.toLongLong();
        record.stream = query.value(12).toInt() != 0;
        record.error = query.value(13).toString();
        record.attempts = query.value(14).toInt();
        record.cacheHit = query.value(15).toInt() != 0;
        record.cacheWriteTokens = query.value(16).toLongLong();
        records.append(record);
    }
    return records;
}

QString UsageStore::integrityCheck() const
{
    if (!isOpen())
        return u"usage database is not open"_s;
    // A server database (QPSQL) guards its own files; there is nothing to ask it here.
    if (!isSqlite())
        return u"ok"_s;
    QSqlQuery query(m_db);
    if (!query.exec(u"PRAGMA integrity_check"_s))
        return describe(u"integrity_check failed to run"_s, query.lastError());
    QStringList problems;
    while (query.next())
        problems.append(query.value(0).toString());
    if (problems == QStringList{u"ok"_s})
        return u"ok"_s;
    return problems.isEmpty() ? u"integrity_check returned nothing"_s
                              : problems.join(u"; "_s);
}

} // namespace onegate
