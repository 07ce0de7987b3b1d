#include "usage/UsageJournal.h"
#include "usage/UsageRecorder.h"
#include "usage/UsageStore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QMutex>
#include <QMutexLocker>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;
using onegate::UsageRecord;
using onegate::UsageRecorder;
using onegate::UsageStore;

Q_DECLARE_METATYPE(onegate::UsageRecord)

namespace {

// A second, independent connection to the same file: what another process (or the app
// after a restart) would see. Opened and closed on the thread that creates it.
class RawDb final
{
    Q_DISABLE_COPY_MOVE(RawDb)

public:
    explicit RawDb(const QString &path)
        : m_name(u"tst-raw-"_s + QString::number(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_open = db.open();
    }
    ~RawDb()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }

    bool isOpen() const { return m_open; }

    bool exec(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        return query.exec(sql);
    }

    QVariantList column(const QString &sql, int index = 0)
    {
        QVariantList values;
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql))
            return values;
        while (query.next())
            values.append(query.value(index));
        return values;
    }

    QVariant scalar(const QString &sql) { return column(sql).value(0); }

private:
    static inline std::atomic<int> s_counter{0};
    QString m_name;
    bool m_open = false;
};

UsageRecord makeRecord(const QString &model, int index = 0)
{
    UsageRecord record;
    record.timeMs = 1'700'000'000'000 + index;
    record.accessKey = u"laptop"_s;
    record.requestedModel = model;
    record.provider = u"openai"_s;
    record.upstreamModel = u"gpt-4o-mini"_s;
    record.status = 200;
    record.promptTokens = 10 + index;
    record.completionTokens = 20 + index;
    record.cachedTokens = 3;
    record.reasoningTokens = 4;
    record.latencyMs = 123;
    record.firstTokenMs = 45;
    record.stream = true;
    return record;
}

void compareRecords(const UsageRecord &actual, const UsageRecord &expected)
{
    QCOMPARE(actual.timeMs, expected.timeMs);
    QCOMPARE(actual.accessKey, expected.accessKey);
    QCOMPARE(actual.requestedModel, expected.requestedModel);
    QCOMPARE(actual.provider, expected.provider);
    QCOMPARE(actual.upstreamModel, expected.upstreamModel);
    QCOMPARE(actual.status, expected.status);
    QCOMPARE(actual.promptTokens, expected.promptTokens);
    QCOMPARE(actual.completionTokens, expected.completionTokens);
    QCOMPARE(actual.cachedTokens, expected.cachedTokens);
    QCOMPARE(actual.reasoningTokens, expected.reasoningTokens);
    QCOMPARE(actual.latencyMs, expected.latencyMs);
    QCOMPARE(actual.firstTokenMs, expected.firstTokenMs);
    QCOMPARE(actual.stream, expected.stream);
    QCOMPARE(actual.error, expected.error);
}

int shippedMigrationCount()
{
    return int(QDir(UsageStore::defaultMigrationsDir())
                   .entryList({u"*.sql"_s}, QDir::Files)
                   .size());
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(content) == content.size();
}

} // namespace

class TestUsage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void migrationsFromEmpty_data();
    void migrationsFromEmpty();
    void tableHasExactlyTheExpectedColumns();
    void rowsFromBeforeTheRouterCountOneAttempt();
    void indexesExist();
    void customMigrationsApplyInOrder();
    void brokenMigrationSets_data();
    void brokenMigrationSets();
    void newerSchemaIsRefused();
    void walModeIsOn();
    void recentIsNewestFirst();

    void recordRoundTrips_data();
    void recordRoundTrips();
    void committedRunsOnContextThreadAfterCommit_data();
    void committedRunsOnContextThreadAfterCommit();
    void committedSkippedForDestroyedContext_data();
    void committedSkippedForDestroyedContext();
    void callbackWithoutContextRunsOnStorageThread();
    void concurrentProducers();
    void stopCommitsEverythingQueued();
    void failedInsertIsRetriedAndReported();
    void recordAfterStopIsReported();
    void pruneOlderThanDeletesOnlyOlderRows();
    void recorderPrunesAtOnceAndThenPeriodically();
    void retentionZeroKeepsEverything();
    void killNineKeepsCommittedRows_data();
    void killNineKeepsCommittedRows();
    void killNineKeepsJournaledRows();
    void journalRowsAreNotWrittenTwice();

private:
    QString dbPath() const { return m_dir->filePath(u"usage.db"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestUsage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestUsage::cleanup()
{
    m_dir.reset();
}

void TestUsage::migrationsFromEmpty_data()
{
    QTest::addColumn<QString>("relativePath");
    QTest::newRow("file in existing folder") << u"usage.db"_s;
    QTest::newRow("folder created on open") << u"a/b/usage.db"_s;
}

void TestUsage::migrationsFromEmpty()
{
    QFETCH(QString, relativePath);
    const QString path = m_dir->filePath(relativePath);
    const int files = shippedMigrationCount();
    QVERIFY(files >= 1);

    QStringList objectsAfterFirstOpen;
    {
        UsageStore store;
        QCOMPARE(store.knownSchemaVersion(), files);
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), files);
        QVERIFY(store.insert({makeRecord(u"m"_s)}, &error));
        QCOMPARE(store.integrityCheck(), u"ok"_s);
    }
    {
        RawDb raw(path);
        for (const QVariant &name :
             raw.column(u"SELECT name FROM sqlite_master ORDER BY name"_s))
            objectsAfterFirstOpen.append(name.toString());
    }
    QVERIFY(objectsAfterFirstOpen.contains(u"usage"_s));

    // Reopening must neither re-run migrations (they would fail: tables exist) nor lose
    // data.
    for (int i = 0; i < 2; ++i) {
        UsageStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), files);
        QCOMPARE(store.recent(10).size(), 1);
    }
    RawDb raw(path);
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM schema_version"_s).toInt(), 1);
    QStringList objects;
    for (const QVariant &name : raw.column(u"SELECT name FROM sqlite_master ORDER BY name"_s))
        objects.append(name.toString());
    QCOMPARE(objects, objectsAfterFirstOpen);
}

void TestUsage::rowsFromBeforeTheRouterCountOneAttempt()
{
    // A database written by a OneGate without the router (schema 1) ...
    QTemporaryDir oldMigrations;
    QVERIFY(QFile::copy(u":/onegate/migrations/0001_usage.sql"_s, oldMigrations.filePath(u"0001_usage.sql"_s)));
    {
        UsageStore old(oldMigrations.path());
        QString error;
        QVERIFY2(old.open(dbPath(), &error), qPrintable(error));
        QCOMPARE(old.schemaVersion(), 1);
    }
    {
        // A row as the old code wrote it (today's insert names the new column).
        RawDb raw(dbPath());
        QVERIFY(raw.exec(u"INSERT INTO usage (time_ms, access_key, requested_model, provider, upstream_model, "
                         u"status, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, latency_ms, "
                         u"stream) VALUES (1, 'k', 'before', 'p', 'm', 200, 1, 2, 0, 0, 5, 0)"_s));
    }
    // ... opened by today's: migrated once, the old row reads as one attempt.
    UsageStore store;
    QString error;
    QVERIFY2(store.open(dbPath(), &error), qPrintable(error));
    QVERIFY(store.schemaVersion() >= 2);
    const QList<UsageRecord> rows = store.recent(10);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].requestedModel, u"before"_s);
    QCOMPARE(rows[0].attempts, 1);
    UsageRecord routed = makeRecord(u"after"_s, 1);
    routed.attempts = 3;
    QVERIFY2(store.insert({routed}, &error), qPrintable(error));
    QCOMPARE(store.recent(10).constFirst().attempts, 3);
}

void TestUsage::tableHasExactlyTheExpectedColumns()
{
    UsageStore store;
    QString error;
    QVERIFY2(store.open(dbPath(), &error), qPrintable(error));

    RawDb raw(dbPath());
    QStringList columns;
    for (const QVariant &name : raw.column(u"PRAGMA table_info(usage)"_s, 1))
        columns.append(name.toString());
    const QStringList expected = {
        u"id"_s,           u"time_ms"_s,           u"access_key"_s,      u"requested_model"_s,
        u"provider"_s,     u"upstream_model"_s,    u"status"_s,          u"prompt_tokens"_s,
        u"completion_tokens"_s, u"cached_tokens"_s, u"reasoning_tokens"_s, u"latency_ms"_s,
        u"first_token_ms"_s, u"stream"_s,          u"error"_s,          u"attempts"_s,      u"cache_hit"_s,
        u"cache_write_tokens"_s,
    };
    QCOMPARE(columns, expected);

    // access_key holds the key's configured name; nothing may look like a place for a
    // secret value. Token counts and first_token_ms are fine, a token value is not.
    static const QRegularExpression secretLike(
        u"secret|password|passwd|credential|bearer|authorization|api_?key|key_(value|hash)"
        u"|^token$|token_value|(access|refresh|auth)_token"_s);
    for (const QString &column : std::as_const(columns))
        QVERIFY2(!secretLike.match(column).hasMatch(), qPrintable(column));
}

void TestUsage::indexesExist()
{
    UsageStore store;
    QString error;
    QVERIFY2(store.open(dbPath(), &error), qPrintable(error));

    RawDb raw(dbPath());
    QSet<QString> indexedColumns;
    for (const QVariant &index : raw.column(u"PRAGMA index_list(usage)"_s, 1)) {
        const QVariantList columns =
            raw.column(u"PRAGMA index_info("_s + index.toString() + u')', 2);
        if (columns.size() == 1)
            indexedColumns.insert(columns.first().toString());
    }
    QVERIFY(indexedColumns.contains(u"time_ms"_s));
    QVERIFY(indexedColumns.contains(u"access_key"_s));
}

void TestUsage::customMigrationsApplyInOrder()
{
    const QString migrations = m_dir->filePath(u"migrations"_s);
    QVERIFY(QDir().mkpath(migrations));
    QVERIFY(QFile::copy(UsageStore::defaultMigrationsDir() + u"/0001_usage.sql"_s,
                        migrations + u"/0001_usage.sql"_s));
    // 0002 depends on 0001's table, so running out of order would fail.
    QVERIFY(writeFile(migrations + u"/0002_note.sql"_s,
                      "-- a comment; with a semicolon\n"
                      "ALTER TABLE usage ADD COLUMN note TEXT;\n"
                      "CREATE INDEX usage_note_idx ON usage (note);\n"));
    {
        UsageStore store(migrations);
        QCOMPARE(store.knownSchemaVersion(), 2);
        QString error;
        QVERIFY2(store.open(dbPath(), &error), qPrintable(error));
        QCOMPARE(store.schemaVersion(), 2);
    }
    {
        RawDb raw(dbPath());
        QVERIFY(raw.column(u"PRAGMA table_info(usage)"_s, 1).contains(u"note"_s));
    }
    // This build only ships 0001 (or fewer than the test set): the database is now newer.
    if (shippedMigrationCount() < 2) {
        UsageStore store;
        QString error;
        QVERIFY(!store.open(dbPath(), &error));
        QVERIFY2(error.contains(u"newer"_s), qPrintable(error));
    }
}

void TestUsage::brokenMigrationSets_data()
{
    QTest::addColumn<QString>("secondName");
    QTest::addColumn<QByteArray>("secondSql");
    QTest::addColumn<QString>("expectedError");
    QTest::addColumn<int>("expectedVersion");  // -1: the database is not even opened

    QTest::newRow("gap in numbering")
        << u"0003_gap.sql"_s << QByteArray("SELECT 1;") << u"out of sequence"_s << -1;
    QTest::newRow("bad file name")
        << u"2_bad.sql"_s << QByteArray("SELECT 1;") << u"NNNN_name.sql"_s << -1;
    // The first statement succeeds, the second fails: the transaction must undo the first.
    QTest::newRow("failing statement rolls back")
        << u"0002_broken.sql"_s
        << QByteArray("CREATE TABLE half_done (a INTEGER);\nCREATE TABLEX nonsense;\n")
        << u"0002_broken.sql failed"_s << 1;
}

void TestUsage::brokenMigrationSets()
{
    QFETCH(QString, secondName);
    QFETCH(QByteArray, secondSql);
    QFETCH(QString, expectedError);
    QFETCH(int, expectedVersion);

    const QString migrations = m_dir->filePath(u"migrations"_s);
    QVERIFY(QDir().mkpath(migrations));
    QVERIFY(QFile::copy(UsageStore::defaultMigrationsDir() + u"/0001_usage.sql"_s,
                        migrations + u"/0001_usage.sql"_s));
    QVERIFY(writeFile(migrations + u'/' + secondName, secondSql));

    UsageStore store(migrations);
    QString error;
    QVERIFY(!store.open(dbPath(), &error));
    QVERIFY2(error.contains(expectedError), qPrintable(error));
    QVERIFY(!store.isOpen());

    if (expectedVersion >= 0) {
        RawDb raw(dbPath());
        QCOMPARE(raw.scalar(u"SELECT version FROM schema_version"_s).toInt(), expectedVersion);
        QVERIFY(raw.column(u"SELECT name FROM sqlite_master WHERE name = 'half_done'"_s)
                    .isEmpty());
    }
}

void TestUsage::newerSchemaIsRefused()
{
    const int known = shippedMigrationCount();
    {
        UsageStore store;
        QString error;
        QVERIFY2(store.open(dbPath(), &error), qPrintable(error));
    }
    {
        RawDb raw(dbPath());
        QVERIFY(raw.exec(u"UPDATE schema_version SET version = "_s
                         + QString::number(known + 1)));
    }
    UsageStore store;
    QString error;
    QVERIFY(!store.open(dbPath(), &error));
    QVERIFY(!store.isOpen());
    QVERIFY2(error.contains(u"newer than this OneGate supports"_s), qPrintable(error));
    QVERIFY2(error.contains(QString::number(known + 1)), qPrintable(error));

    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), error);

    // Refusing must not have touched the database.
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT version FROM schema_version"_s).toInt(), known + 1);
}

void TestUsage::walModeIsOn()
{
    UsageStore store;
    QString error;
    QVERIFY2(store.open(dbPath(), &error), qPrintable(error));
    QVERIFY(store.insert({makeRecord(u"m"_s)}, &error));

    // WAL is a property of the file, so a second connection sees it too.
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QVERIFY(QFile::exists(dbPath() + u"-wal"_s));
}

void TestUsage::recentIsNewestFirst()
{
    UsageStore store;
    QString error;
    QVERIFY2(store.open(u":memory:"_s, &error), qPrintable(error));
    QVERIFY(store.insert({makeRecord(u"b"_s, 2), makeRecord(u"a"_s, 1), makeRecord(u"c"_s, 3)},
                         &error));
    QCOMPARE(store.integrityCheck(), u"ok"_s);
    const QList<UsageRecord> rows = store.recent(2);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).requestedModel, u"c"_s);
    QCOMPARE(rows.at(1).requestedModel, u"b"_s);
    QCOMPARE(store.recent(100).size(), 3);
    QVERIFY(store.recent(0).isEmpty());
}

void TestUsage::recordRoundTrips_data()
{
    QTest::addColumn<UsageRecord>("record");

    QTest::newRow("streamed") << makeRecord(u"gpt-4o-mini"_s);

    UsageRecord notStreamed = makeRecord(u"claude-sonnet-4"_s);
    notStreamed.stream = false;
    notStreamed.firstTokenMs = -1;
    QTest::newRow("not streamed, no first token") << notStreamed;

    UsageRecord zeroFirstToken = makeRecord(u"m"_s);
    zeroFirstToken.firstTokenMs = 0;
    QTest::newRow("first token at 0 ms is not NULL") << zeroFirstToken;

    UsageRecord unicode = makeRecord(u"通义千问/qwen-max 🚀"_s);
    unicode.accessKey = u"笔记本 ключ"_s;
    unicode.provider = u"openrouter"_s;
    unicode.upstreamModel = u"deepseek/deepseek-r1:free — ünïcödé"_s;
    QTest::newRow("unicode names") << unicode;

    UsageRecord failed = makeRecord(u"gpt-4o"_s);
    failed.status = 502;
    failed.promptTokens = 0;
    failed.completionTokens = 0;
    failed.firstTokenMs = -1;
    failed.error = u"upstream reset the connection; it said: \"bad gateway\"\nline 2 'quoted'"_s;
    QTest::newRow("error text") << failed;

    UsageRecord empty;
    QTest::newRow("all defaults, empty strings") << empty;

    UsageRecord large = makeRecord(u"big"_s);
    large.timeMs = 4'102'444'800'000;  // year 2100
    large.promptTokens = 9'000'000'000;
    large.completionTokens = 1LL << 40;
    large.latencyMs = 3'600'000;
    QTest::newRow("64-bit values") << large;
}

void TestUsage::recordRoundTrips()
{
    QFETCH(UsageRecord, record);
    {
        UsageRecorder recorder;
        QCOMPARE(recorder.open(dbPath()), QString());
        recorder.record(record);
        recorder.flush();

        // A second connection while the recorder is still running: the row is committed,
        // not merely buffered.
        UsageStore reader;
        QString error;
        QVERIFY2(reader.open(dbPath(), &error), qPrintable(error));
        const QList<UsageRecord> rows = reader.recent(10);
        QCOMPARE(rows.size(), 1);
        compareRecords(rows.first(), record);
        if (QTest::currentTestFailed())
            return;
    }
    RawDb raw(dbPath());
    const QVariant firstToken = raw.scalar(u"SELECT first_token_ms FROM usage"_s);
    QCOMPARE(firstToken.isNull(), record.firstTokenMs < 0);
    QCOMPARE(raw.scalar(u"SELECT stream FROM usage"_s).toInt(), record.stream ? 1 : 0);
    QCOMPARE(raw.scalar(u"SELECT error IS NULL FROM usage"_s).toInt(),
             record.error.isEmpty() ? 1 : 0);
}

void TestUsage::committedRunsOnContextThreadAfterCommit_data()
{
    QTest::addColumn<bool>("contextOnOtherThread");
    QTest::newRow("context on the test thread") << false;
    QTest::newRow("context on another thread") << true;
}

void TestUsage::committedRunsOnContextThreadAfterCommit()
{
    QFETCH(bool, contextOnOtherThread);

    QThread contextThread;
    contextThread.setObjectName(u"context-thread"_s);
    auto *context = new QObject;
    if (contextOnOtherThread) {
        contextThread.start();
        context->moveToThread(&contextThread);
    }

    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());

    QMutex mutex;
    QThread *ranOn = nullptr;
    int visibleRows = -1;
    std::atomic<int> calls{0};
    const QString path = dbPath();
    recorder.record(makeRecord(u"callback-model"_s), context,
                    [&mutex, &ranOn, &visibleRows, &calls, path] {
                        // Another connection must already see the row when we are told.
                        RawDb raw(path);
                        const int rows =
                            raw.scalar(u"SELECT COUNT(*) FROM usage WHERE requested_model = "
                                       u"'callback-model'"_s)
                                .toInt();
                        QMutexLocker lock(&mutex);
                        ranOn = QThread::currentThread();
                        visibleRows = rows;
                        ++calls;
                    });
    QTRY_COMPARE(calls.load(), 1);
    {
        QMutexLocker lock(&mutex);
        QCOMPARE(ranOn, contextOnOtherThread ? &contextThread : QThread::currentThread());
        QCOMPARE(visibleRows, 1);
    }

    if (contextOnOtherThread) {
        contextThread.quit();
        QVERIFY(contextThread.wait(5000));
    }
    // Its thread has finished (or is this one), so deleting it here is safe.
    delete context;
    QCOMPARE(calls.load(), 1);
}

void TestUsage::committedSkippedForDestroyedContext_data()
{
    QTest::addColumn<bool>("deleteAfterCommit");
    QTest::newRow("destroyed before the commit") << false;
    // The row is committed and the callback already posted to the context's thread, but
    // the context dies before that thread gets to it.
    QTest::newRow("destroyed between commit and delivery") << true;
}

void TestUsage::committedSkippedForDestroyedContext()
{
    QFETCH(bool, deleteAfterCommit);

    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());

    bool doomedCalled = false;
    auto *doomed = new QObject;
    recorder.record(makeRecord(u"doomed"_s), doomed, [&doomedCalled] { doomedCalled = true; });
    if (deleteAfterCommit)
        recorder.flush();
    delete doomed;

    // Callbacks to one thread arrive in order, so once the later one ran, the earlier one
    // would have run too.
    QObject survivor;
    bool survivorCalled = false;
    recorder.record(makeRecord(u"survivor"_s), &survivor,
                    [&survivorCalled] { survivorCalled = true; });
    QTRY_VERIFY(survivorCalled);
    QVERIFY(!doomedCalled);

    // Skipping the callback never skips the row.
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 2);
}

void TestUsage::callbackWithoutContextRunsOnStorageThread()
{
    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());
    QMutex mutex;
    QString threadName;
    recorder.record(makeRecord(u"m"_s), nullptr, [&mutex, &threadName] {
        QMutexLocker lock(&mutex);
        threadName = QThread::currentThread()->objectName();
    });
    recorder.flush();
    QMutexLocker lock(&mutex);
    QCOMPARE(threadName, u"onegate-storage"_s);
}

void TestUsage::concurrentProducers()
{
    constexpr int threadCount = 4;
    constexpr int perThread = 500;

    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());

    std::atomic<int> callbacks{0};
    std::atomic<int> ready{0};
    QList<QThread *> producers;
    for (int t = 0; t < threadCount; ++t) {
        producers.append(QThread::create([&recorder, &callbacks, &ready, t] {
            // Start together so the producers really overlap.
            ++ready;
            while (ready.load() < threadCount)
                QThread::yieldCurrentThread();
            for (int i = 0; i < perThread; ++i) {
                const QString model = u"thread-"_s + QString::number(t);
                recorder.record(makeRecord(model, t * perThread + i), nullptr,
                                [&callbacks] { ++callbacks; });
            }
        }));
    }
    for (QThread *producer : std::as_const(producers))
        producer->start();
    for (QThread *producer : std::as_const(producers)) {
        QVERIFY(producer->wait(30000));
        delete producer;
    }
    recorder.flush();
    QCOMPARE(callbacks.load(), threadCount * perThread);
    QCOMPARE(recorder.droppedRecords(), 0);

    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), threadCount * perThread);
    QCOMPARE(raw.scalar(u"SELECT COUNT(DISTINCT time_ms) FROM usage"_s).toInt(),
             threadCount * perThread);
    for (int t = 0; t < threadCount; ++t) {
        QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage WHERE requested_model = 'thread-"_s
                            + QString::number(t) + u'\'')
                     .toInt(),
                 perThread);
    }
}

void TestUsage::stopCommitsEverythingQueued()
{
    {
        UsageRecorder recorder;
        QCOMPARE(recorder.open(dbPath()), QString());
        for (int i = 0; i < 300; ++i)
            recorder.record(makeRecord(u"m"_s, i));
        // No flush: the destructor must commit them.
    }
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 300);
    QCOMPARE(raw.scalar(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
}

void TestUsage::failedInsertIsRetriedAndReported()
{
    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());
    QSignalSpy dropped(&recorder, &UsageRecorder::recordsDropped);
    {
        // Break the schema under the recorder: both attempts must fail.
        RawDb raw(dbPath());
        QVERIFY(raw.exec(u"DROP TABLE usage"_s));
    }
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(u"^writing 1 usage rows failed, retrying once: .*usage"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^1 usage rows were lost: "_s));

    QObject context;
    bool called = false;
    recorder.record(makeRecord(u"m"_s), &context, [&called] { called = true; });
    recorder.flush();
    // The client is not held hostage by a storage fault.
    QTRY_VERIFY(called);
    QCOMPARE(recorder.droppedRecords(), 1);
    QTRY_COMPARE(dropped.size(), 1);
    QCOMPARE(dropped.first().at(0).value<qsizetype>(), qsizetype(1));
}

void TestUsage::recordAfterStopIsReported()
{
    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());
    recorder.stop();

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^1 usage rows were lost: "_s));
    QObject context;
    bool called = false;
    recorder.record(makeRecord(u"late"_s), &context, [&called] { called = true; });
    QTRY_VERIFY(called);
    QCOMPARE(recorder.droppedRecords(), 1);

    // Reopening works after a stop.
    QCOMPARE(recorder.open(dbPath()), QString());
    recorder.record(makeRecord(u"again"_s));
    recorder.flush();
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 1);
}

void TestUsage::pruneOlderThanDeletesOnlyOlderRows()
{
    UsageStore store;
    QString error;
    QVERIFY2(store.open(u":memory:"_s, &error), qPrintable(error));
    // makeRecord(model, i) is at 1'700'000'000'000 + i ms.
    QVERIFY(store.insert({makeRecord(u"old"_s, 0), makeRecord(u"old"_s, 9), makeRecord(u"edge"_s, 10),
                          makeRecord(u"new"_s, 11)},
                         &error));
    QCOMPARE(store.pruneOlderThan(1'700'000'000'010, &error), 2);
    const QList<UsageRecord> rows = store.recent(10);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(0).requestedModel, u"new"_s);
    QCOMPARE(rows.at(1).requestedModel, u"edge"_s);  // exactly at the cutoff is kept
    QCOMPARE(store.pruneOlderThan(1'700'000'000'010, &error), 0);
    QCOMPARE(store.integrityCheck(), u"ok"_s);

    UsageStore closed;
    QCOMPARE(closed.pruneOlderThan(0, &error), -1);
    QVERIFY(!error.isEmpty());
}

void TestUsage::recorderPrunesAtOnceAndThenPeriodically()
{
    constexpr qint64 kDayMs = 24 * 60 * 60 * 1000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    UsageRecord old = makeRecord(u"old"_s);
    old.timeMs = now - 10 * kDayMs;
    UsageRecord recent = makeRecord(u"recent"_s);
    recent.timeMs = now - 2 * kDayMs;

    UsageRecorder recorder;
    // Collected on this thread (queued), so reading the list never races the storage thread.
    QObject context;
    QList<qint64> passes;
    connect(&recorder, &UsageRecorder::pruned, &context,
            [&passes](qint64 rows, const QString &) { passes.append(rows); }, Qt::QueuedConnection);
    // Set before open: the first pass runs as soon as the database is open.
    recorder.setRetentionDays(7, 100);
    QCOMPARE(recorder.open(dbPath()), QString());
    QTRY_VERIFY(!passes.isEmpty());
    QCOMPARE(passes.constFirst(), 0);

    recorder.record(old);
    recorder.record(recent);
    recorder.flush();
    // A periodic pass after the rows are in removes the one past the retention.
    QTRY_VERIFY(passes.contains(1));
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 1);
    QCOMPARE(raw.scalar(u"SELECT requested_model FROM usage"_s).toString(), u"recent"_s);

    // A shorter retention applies at once, not a period later.
    passes.clear();
    recorder.setRetentionDays(1, UsageRecorder::kPruneIntervalMs);
    recorder.flush();  // queued behind the new retention, so its first pass is done
    QTRY_VERIFY(passes.contains(1));
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 0);
}

void TestUsage::retentionZeroKeepsEverything()
{
    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());
    QObject context;
    int passes = 0;
    connect(&recorder, &UsageRecorder::pruned, &context, [&passes] { ++passes; }, Qt::QueuedConnection);
    UsageRecord ancient = makeRecord(u"ancient"_s);
    ancient.timeMs = 1;
    recorder.record(ancient);
    recorder.setRetentionDays(0, 10);
    recorder.flush();
    QTest::qWait(100);
    QCOMPARE(passes, 0);
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 1);
}

void TestUsage::killNineKeepsCommittedRows_data()
{
    QTest::addColumn<int>("rounds");
    QTest::addColumn<int>("rowsPerRound");
    QTest::addColumn<bool>("keepWriting");

    QTest::newRow("one row, idle child") << 3 << 1 << false;
    QTest::newRow("one row, child still writing") << 3 << 1 << true;
    QTest::newRow("500 rows, child still writing") << 2 << 500 << true;
}

void TestUsage::killNineKeepsCommittedRows()
{
    QFETCH(int, rounds);
    QFETCH(int, rowsPerRound);
    QFETCH(bool, keepWriting);

    for (int round = 0; round < rounds; ++round) {
        const QString tag = u"round-"_s + QString::number(round);
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QStringLiteral(USAGE_CRASH_CHILD),
                    {dbPath(), QString::number(rowsPerRound), tag, keepWriting ? u"1"_s : u"0"_s});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));

        QByteArray output;
        while (!output.contains("committed\n")) {
            QVERIFY2(child.state() == QProcess::Running || child.bytesAvailable() > 0,
                     "child exited before reporting a commit");
            if (child.bytesAvailable() == 0)
                QVERIFY2(child.waitForReadyRead(10000), "child never reported a commit");
            output += child.readAll();
        }
        if (keepWriting)
            QThread::msleep(30);  // let it get well into the next transactions
        child.kill();  // SIGKILL: no destructors, no flush, no checkpoint
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        UsageStore store;
        QString error;
        QVERIFY2(store.open(dbPath(), &error), qPrintable(error));
        QCOMPARE(store.integrityCheck(), u"ok"_s);
        store.close();

        RawDb raw(dbPath());
        for (int earlier = 0; earlier <= round; ++earlier) {
            const QString model = u"round-"_s + QString::number(earlier);
            QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage WHERE requested_model = '"_s
                                + model + u'\'')
                         .toInt(),
                     rowsPerRound);
        }
    }
}

void TestUsage::killNineKeepsJournaledRows()
{
    // The rows are durable when record() returns, before any commit: with the database's
    // write lock held by this test, the child cannot commit them before it is killed.
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QStringLiteral(USAGE_CRASH_CHILD), {dbPath(), u"25"_s, u"journaled"_s, u"journal"_s});
    QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
    const auto waitFor = [&child](const QByteArray &line) {
        QByteArray output;
        while (!output.contains(line)) {
            if (child.bytesAvailable() == 0 && !child.waitForReadyRead(10000))
                return false;
            output += child.readAll();
        }
        return true;
    };
    QVERIFY(waitFor("open\n"));
    {
        RawDb lock(dbPath());
        QVERIFY(lock.exec(u"BEGIN EXCLUSIVE"_s));
        child.write("go\n");
        QVERIFY(waitFor("journaled\n"));
        child.kill();
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(lock.scalar(u"SELECT COUNT(*) FROM usage"_s).toInt(), 0);  // never committed
        QVERIFY(lock.exec(u"ROLLBACK"_s));
    }
    QVERIFY(QFileInfo(dbPath() + u".pending"_s).size() > 0);

    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());
    recorder.flush();
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage WHERE requested_model = 'journaled'"_s).toInt(), 25);
    QCOMPARE(raw.scalar(u"SELECT SUM(completion_tokens) FROM usage"_s).toInt(), 2 * (24 * 25 / 2));
    QCOMPARE(raw.scalar(u"PRAGMA integrity_check"_s).toString(), u"ok"_s);
    // Replayed into the database, the journal is emptied.
    QCOMPARE(QFileInfo(dbPath() + u".pending"_s).size(), 0);
}

void TestUsage::journalRowsAreNotWrittenTwice()
{
    // Committed rows stay in the journal until it is emptied; a journal that still holds
    // them (a crash right after the commit) must not write them again.
    {
        UsageRecorder recorder;
        QCOMPARE(recorder.open(dbPath()), QString());
        for (int i = 0; i < 10; ++i)
            QVERIFY(recorder.record(makeRecord(u"once"_s, i)));
        recorder.flush();
    }
    QList<onegate::UsageJournal::Entry> entries;
    for (int i = 0; i < 10; ++i)
        entries.append({i + 1, makeRecord(u"once"_s, i)});
    entries.append({11, makeRecord(u"new"_s, 99)});
    QFile journal(dbPath() + u".pending"_s);
    QVERIFY(journal.open(QIODevice::WriteOnly | QIODevice::Truncate));
    for (const onegate::UsageJournal::Entry &entry : std::as_const(entries))
        journal.write(onegate::UsageJournal::encode(entry));
    journal.write("OGU1\0\0");  // a torn last write: ignored
    journal.close();

    UsageRecorder recorder;
    QCOMPARE(recorder.open(dbPath()), QString());
    recorder.flush();
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage WHERE requested_model = 'once'"_s).toInt(), 10);
    QCOMPARE(raw.scalar(u"SELECT COUNT(*) FROM usage WHERE requested_model = 'new'"_s).toInt(), 1);
}

QTEST_GUILESS_MAIN(TestUsage)

#include "tst_usage.moc"
