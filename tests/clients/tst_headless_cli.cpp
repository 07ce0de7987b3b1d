// Process-level tests of the real `onegate` binary (CONTRACT.md section 1): command line,
// first run, config errors, exit codes, signals, the Host guard, and usage rows surviving
// kill -9. OneGate talks to the `fake_upstream` test server; everything stays on 127.0.0.1.

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <atomic>
#include <functional>
#include <memory>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

using namespace Qt::StringLiterals;

namespace {

// Obviously fake secrets, handed to onegate through the environment only.
constexpr auto kAccessKey = "sk-test-onegatecli-6789"_L1;
constexpr auto kUpstreamKey = "sk-test-upstreamcli-3210"_L1;
// Generous for a Debug build on a busy 2-core machine; the contract's ready time is 200 ms.
constexpr int kStartTimeoutMs = 15000;
constexpr int kRequestTimeoutMs = 15000;
// CONTRACT.md section 1: in-flight requests are finished or cancelled within 5 s.
constexpr int kGracefulExitMs = 5000;

QString onegateBin()
{
    return QStringLiteral(ONEGATE_BIN);
}

QString fakeUpstreamBin()
{
    return QStringLiteral(FAKE_UPSTREAM_BIN);
}

QProcessEnvironment childEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"ONEGATE_TEST_KEY"_s, kAccessKey);
    env.insert(u"ONEGATE_TEST_UPSTREAM_KEY"_s, kUpstreamKey);
    // Keep children from reaching the real user's keychain or config folders.
    env.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    return env;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size();
}

QByteArray configJson(quint16 fakePort)
{
    QJsonObject root{
        {u"listen"_s, u"127.0.0.1:0"_s},
        {u"auth"_s, QJsonObject{{u"required"_s, true}}},
        {u"access_keys"_s,
         QJsonArray{QJsonObject{{u"name"_s, u"test"_s}, {u"key"_s, u"env:ONEGATE_TEST_KEY"_s}}}},
    };
    if (fakePort != 0) {
        root.insert(u"providers"_s,
                    QJsonArray{QJsonObject{
                        {u"id"_s, u"fake"_s},
                        {u"kind"_s, u"openai"_s},
                        {u"base_url"_s, u"http://127.0.0.1:%1/v1"_s.arg(fakePort)},
                        {u"api_key"_s, u"env:ONEGATE_TEST_UPSTREAM_KEY"_s},
                        {u"models"_s, QJsonArray{u"text"_s, u"tool"_s, u"text@200"_s, u"stall"_s,
                                                 u"error-429"_s}},
                    }});
    }
    return QJsonDocument(root).toJson();
}

// A child process of the test. Killed (SIGKILL) when still running at destruction, so a
// failing test never leaves a server behind.
class Child final {
    Q_DISABLE_COPY_MOVE(Child)

public:
    explicit Child(QProcess::ProcessChannelMode mode = QProcess::SeparateChannels)
    {
        m_process.setProcessEnvironment(childEnvironment());
        m_process.setProcessChannelMode(mode);
    }
    ~Child()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    QProcess &process() { return m_process; }

    bool start(const QString &program, const QStringList &arguments)
    {
        m_process.start(program, arguments);
        return m_process.waitForStarted(kStartTimeoutMs);
    }

    // Waits for the line "<name> listening on http://127.0.0.1:PORT" on stdout and returns
    // PORT, or 0 if the process ended or stayed silent.
    quint16 waitForListening(const QString &name, int timeoutMs = kStartTimeoutMs)
    {
        const QRegularExpression pattern(u"^"_s + QRegularExpression::escape(name) +
                                             u" listening on http://127\\.0\\.0\\.1:(\\d+)\\r?$"_s,
                                         QRegularExpression::MultilineOption);
        const QDeadlineTimer deadline(timeoutMs);
        while (true) {
            m_stdout += m_process.readAllStandardOutput();
            const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(m_stdout));
            if (match.hasMatch())
                return quint16(match.captured(1).toUInt());
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return 0;
            m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    QByteArray allStdout()
    {
        m_stdout += m_process.readAllStandardOutput();
        return m_stdout;
    }
    QByteArray allStderr()
    {
        m_stderr += m_process.readAllStandardError();
        return m_stderr;
    }

    // Runs to completion (for --version and config errors); false on timeout.
    bool finish(int timeoutMs = kStartTimeoutMs)
    {
        const bool done = m_process.waitForFinished(timeoutMs);
        allStdout();
        allStderr();
        return done;
    }

private:
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
};

// One `onegate --headless` with its own config and data folder.
struct Onegate {
    QTemporaryDir dir;
    Child child;
    quint16 port = 0;

    QString configPath() const { return dir.filePath(u"config.json"_s); }
    QString dataDir() const { return dir.filePath(u"data"_s); }
    QString usageDb() const { return dir.filePath(u"data/usage.db"_s); }

    // Writes `config`, starts onegate on a free port and waits until it listens.
    bool start(const QByteArray &config)
    {
        if (!dir.isValid() || !writeFile(configPath(), config))
            return false;
        if (!child.start(onegateBin(),
                         {u"--headless"_s, u"--config"_s, configPath(), u"--data-dir"_s, dataDir(),
                          u"--listen"_s, u"127.0.0.1:0"_s}))
            return false;
        port = child.waitForListening(u"onegate"_s);
        if (port == 0)
            qWarning().noquote() << "onegate did not start:" << child.allStderr();
        return port != 0;
    }

    QUrl url(const QString &path) const
    {
        return QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path));
    }
};

// A read-only look at usage.db from the test process, as the app would see it on its
// next start. Only ever opened after onegate has exited.
class UsageDb final {
    Q_DISABLE_COPY_MOVE(UsageDb)

public:
    explicit UsageDb(const QString &path)
        : m_name(u"tst_headless_cli-%1"_s.arg(++s_connections))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_open = QFileInfo::exists(path) && db.open();
        if (!m_open)
            m_error = db.lastError().text();
    }
    ~UsageDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }

    bool isOpen() const { return m_open; }
    QString error() const { return m_error; }

    QString integrityCheck() const
    {
        const QList<QVariantMap> rows = select(u"PRAGMA integrity_check"_s);
        QStringList lines;
        for (const QVariantMap &row : rows)
            lines.append(row.value(u"integrity_check"_s).toString());
        return lines.join(u'\n');
    }

    QList<QVariantMap> rows() const { return select(u"SELECT * FROM usage ORDER BY id"_s); }

private:
    QList<QVariantMap> select(const QString &sql) const
    {
        QList<QVariantMap> result;
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql)) {
            qWarning().noquote() << sql << "failed:" << query.lastError().text();
            return result;
        }
        while (query.next()) {
            QVariantMap row;
            const QSqlRecord record = query.record();
            for (int i = 0; i < record.count(); ++i)
                row.insert(record.fieldName(i), query.value(i));
            result.append(row);
        }
        return result;
    }

    static inline std::atomic<int> s_connections{0};
    QString m_name;
    QString m_error;
    bool m_open = false;
};

// What a client saw of one HTTP exchange.
struct Exchange {
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    bool finished = false;

    // A transport failure (connection reset, truncated chunked body), as opposed to a
    // complete answer that happens to carry an HTTP error status.
    bool cutOff() const
    {
        return error != QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied;
    }
};

// The `data:` payloads of an SSE body, in order.
QList<QByteArray> sseData(const QByteArray &body)
{
    QList<QByteArray> events;
    const QList<QByteArray> lines = body.split('\n');
    for (QByteArray line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith("data:"))
            events.append(line.mid(5).trimmed());
    }
    return events;
}

QByteArray chatBody(const QString &model, bool stream, bool includeUsage = false)
{
    QJsonObject body{
        {u"model"_s, model},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                               {u"content"_s, u"What is the weather?"_s}}}},
    };
    if (stream) {
        body.insert(u"stream"_s, true);
        if (includeUsage)
            body.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// Usage from a chat answer: the body of a non-stream one, or the usage chunk of a stream.
QJsonObject usageOf(const QByteArray &body, bool stream)
{
    if (!stream)
        return QJsonDocument::fromJson(body).object().value(u"usage"_s).toObject();
    const QList<QByteArray> events = sseData(body);
    for (const QByteArray &event : events) {
        const QJsonObject usage =
            QJsonDocument::fromJson(event).object().value(u"usage"_s).toObject();
        if (!usage.isEmpty())
            return usage;
    }
    return {};
}

// A minimal HTTP/1.1 GET over a raw socket, for headers QNetworkAccessManager would not
// send as written (a foreign Host). Returns the status code and body, or status 0.
Exchange rawGet(quint16 port, const QByteArray &path, const QByteArray &host, const QByteArray &key)
{
    Exchange result;
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, port);
    if (!socket.waitForConnected(kRequestTimeoutMs))
        return result;
    QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
    if (!key.isEmpty())
        request += "Authorization: Bearer " + key + "\r\n";
    request += "Connection: close\r\n\r\n";
    socket.write(request);

    QByteArray data;
    const QDeadlineTimer deadline(kRequestTimeoutMs);
    const QRegularExpression contentLength(u"^content-length:\\s*(\\d+)\\s*$"_s,
                                           QRegularExpression::MultilineOption |
                                               QRegularExpression::CaseInsensitiveOption);
    while (!deadline.hasExpired()) {
        const qsizetype headerEnd = data.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            const QString head = QString::fromLatin1(data.left(headerEnd)).remove(u'\r');
            const QRegularExpressionMatch length = contentLength.match(head);
            if (length.hasMatch() &&
                data.size() - headerEnd - 4 >= length.captured(1).toLongLong()) {
                result.status = head.section(u' ', 1, 1).toInt();
                result.body = data.mid(headerEnd + 4);
                result.finished = true;
                return result;
            }
        }
        if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
            break;
        if (socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            data += socket.readAll();
    }
    data += socket.readAll();
    qWarning().noquote() << "incomplete raw answer:" << data.left(500);
    return result;
}

} // namespace

class TestHeadlessCli final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void version();
    void help();
    void unknownOption_data();
    void unknownOption();
    void firstRunWritesSafeDefault();
    void signalStopsCleanly_data();
    void signalStopsCleanly();
    void configError_data();
    void configError();
    void portInUse();
    void hostGuardAndHealth_data();
    void hostGuardAndHealth();
    void gracefulShutdownWithStreamInFlight_data();
    void gracefulShutdownWithStreamInFlight();
    void usageRowSurvivesKill9_data();
    void usageRowSurvivesKill9();

private:
    // Sends one request through `m_network`. `onData` runs on every readyRead with the body
    // so far; `onFinished` runs as soon as the reply finishes, before any other event.
    Exchange send(const QUrl &url, const QByteArray &body, bool withKey,
                  const std::function<void(const QByteArray &)> &onData = {},
                  const std::function<void()> &onFinished = {}, int timeoutMs = kRequestTimeoutMs);

    std::unique_ptr<Child> m_fake;
    quint16 m_fakePort = 0;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

void TestHeadlessCli::initTestCase()
{
    QVERIFY2(QFileInfo(onegateBin()).isExecutable(), qPrintable(onegateBin()));
    m_network = std::make_unique<QNetworkAccessManager>();
    // stdout and stderr merged: the fake's "aborted" notes may come on either.
    m_fake = std::make_unique<Child>(QProcess::MergedChannels);
    QVERIFY2(m_fake->start(fakeUpstreamBin(), {u"--port"_s, u"0"_s, u"--key"_s, kUpstreamKey}),
             qPrintable(fakeUpstreamBin()));
    m_fakePort = m_fake->waitForListening(u"fake_upstream"_s);
    QVERIFY2(m_fakePort != 0, m_fake->allStdout().constData());
}

void TestHeadlessCli::cleanupTestCase()
{
    m_fake.reset();
    m_network.reset();
}

Exchange TestHeadlessCli::send(const QUrl &url, const QByteArray &body, bool withKey,
                               const std::function<void(const QByteArray &)> &onData,
                               const std::function<void()> &onFinished, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    if (withKey)
        request.setRawHeader("Authorization",
                             "Bearer " + QByteArray(kAccessKey.data(), kAccessKey.size()));
    QNetworkReply *reply = nullptr;
    if (body.isNull()) {
        reply = m_network->get(request);
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        reply = m_network->post(request, body);
    }
    auto result = std::make_shared<Exchange>();
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, result, onData] {
        result->body += reply->readAll();
        if (onData)
            onData(result->body);
    });
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, result, onFinished] {
        result->body += reply->readAll();
        result->status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result->error = reply->error();
        result->finished = true;
        if (onFinished)
            onFinished();
    });
    if (!QTest::qWaitFor([&result] { return result->finished; }, timeoutMs + 2000)) {
        // The caller sees `finished == false`; nothing may call back into its frame later.
        reply->disconnect();
        reply->abort();
    }
    reply->deleteLater();
    return *result;
}

void TestHeadlessCli::version()
{
    Child child;
    QVERIFY(child.start(onegateBin(), {u"--version"_s}));
    QVERIFY(child.finish());
    QCOMPARE(child.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.process().exitCode(), 0);
    QCOMPARE(child.allStdout(), QByteArray("onegate " ONEGATE_VERSION "\n"));
    QCOMPARE(QByteArray(ONEGATE_VERSION), QByteArray("0.1.0"));
    QCOMPARE(child.allStderr(), QByteArray());
}

void TestHeadlessCli::help()
{
    Child child;
    QVERIFY(child.start(onegateBin(), {u"--help"_s}));
    QVERIFY(child.finish());
    QCOMPARE(child.process().exitCode(), 0);
    const QByteArray out = child.allStdout();
    for (const char *option : {"--headless", "--config", "--data-dir", "--listen", "--version"})
        QVERIFY2(out.contains(option), option);
}

void TestHeadlessCli::unknownOption_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("mentioned");
    QTest::newRow("unknown option") << QStringList{u"--frobnicate"_s} << QByteArray("frobnicate");
    QTest::newRow("unknown with headless")
        << QStringList{u"--headless"_s, u"--no-such-flag"_s} << QByteArray("no-such-flag");
    QTest::newRow("missing value")
        << QStringList{u"--headless"_s, u"--listen"_s} << QByteArray("listen");
    QTest::newRow("positional") << QStringList{u"stray"_s} << QByteArray("stray");
}

void TestHeadlessCli::unknownOption()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, mentioned);
    Child child;
    QVERIFY(child.start(onegateBin(), arguments));
    QVERIFY(child.finish());
    QCOMPARE(child.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.process().exitCode(), 2);
    QCOMPARE(child.allStdout(), QByteArray());
    QVERIFY2(child.allStderr().contains(mentioned), child.allStderr().constData());
}

void TestHeadlessCli::firstRunWritesSafeDefault()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // The folder does not exist either: first run creates it.
    const QString configPath = dir.filePath(u"fresh/onegate/config.json"_s);
    Child child;
    QVERIFY(child.start(onegateBin(), {u"--headless"_s, u"--config"_s, configPath, u"--data-dir"_s,
                                       dir.filePath(u"data"_s), u"--listen"_s, u"127.0.0.1:0"_s}));
    const quint16 port = child.waitForListening(u"onegate"_s);
    QVERIFY2(port != 0, child.allStderr().constData());
    QVERIFY(port != 4141);

    QFile file(configPath);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(configPath));
    QJsonParseError parseError{};
    const QJsonObject config = QJsonDocument::fromJson(file.readAll(), &parseError).object();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    QCOMPARE(config.value(u"listen"_s).toString(), u"127.0.0.1:4141"_s);
    QCOMPARE(config.value(u"auth"_s).toObject().value(u"required"_s), QJsonValue(true));
    // It names which variables and keychain entries hold keys: nobody else reads it.
    QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    QVERIFY(QFileInfo::exists(dir.filePath(u"data/usage.db"_s)));

    // Auth is really on: no key, no models; the health check needs none.
    const Exchange models = send(QUrl(u"http://127.0.0.1:%1/v1/models"_s.arg(port)), {}, false);
    QVERIFY(models.finished);
    QCOMPARE(models.status, 401);
    const Exchange health = send(QUrl(u"http://127.0.0.1:%1/health"_s.arg(port)), {}, false);
    QCOMPARE(health.status, 200);

    QElapsedTimer stopping;
    stopping.start();
    child.process().terminate();
    QVERIFY(child.finish(kGracefulExitMs));
    QVERIFY2(stopping.elapsed() < 2000,
             qPrintable(u"idle stop took %1 ms"_s.arg(stopping.elapsed())));
    QCOMPARE(child.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(child.process().exitCode(), 0);
    // Exactly one line on stdout, the real port.
    QCOMPARE(child.allStdout(), u"onegate listening on http://127.0.0.1:%1\n"_s.arg(port).toUtf8());
}

void TestHeadlessCli::signalStopsCleanly_data()
{
    QTest::addColumn<int>("signalNumber");
#ifdef Q_OS_UNIX
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
#endif
}

void TestHeadlessCli::signalStopsCleanly()
{
#ifndef Q_OS_UNIX
    QSKIP("POSIX signals only");
#else
    QFETCH(int, signalNumber);
    Onegate onegate;
    QVERIFY(onegate.start(configJson(0)));
    QElapsedTimer stopping;
    stopping.start();
    QCOMPARE(::kill(pid_t(onegate.child.process().processId()), signalNumber), 0);
    QVERIFY(onegate.child.finish(kGracefulExitMs));
    QVERIFY2(stopping.elapsed() < 2000,
             qPrintable(u"idle stop took %1 ms"_s.arg(stopping.elapsed())));
    QCOMPARE(onegate.child.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(onegate.child.process().exitCode(), 0);
    QCOMPARE(onegate.child.allStdout().count('\n'), 1);
#endif
}

void TestHeadlessCli::configError_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("jsonPath");
    QTest::addColumn<QByteArray>("secret"); // must never be echoed

    const QByteArray good = R"("listen": "127.0.0.1:0", "auth": {"required": true})";
    QTest::newRow("unknown top-level key")
        << "{" + good + R"(, "acess_keys": []})" << QByteArray("acess_keys") << QByteArray();
    QTest::newRow("unknown nested key")
        << "{" + good +
               R"(, "providers": [{"id": "a", "kind": "openai", "base_url": "http://127.0.0.1:9/v1", "modles": ["x"]}]})"
        << QByteArray("providers[0].modles") << QByteArray();
    QTest::newRow("literal access key")
        << "{" + good +
               R"(, "access_keys": [{"name": "ci", "key": "sk-test-literalaccess-4242"}]})"
        << QByteArray("access_keys[0].key") << QByteArray("sk-test-literalaccess-4242");
    QTest::newRow("literal provider key")
        << "{" + good +
               R"(, "providers": [{"id": "a", "kind": "openai", "base_url": "http://127.0.0.1:9/v1", "api_key": "sk-test-literalupstre-1717"}]})"
        << QByteArray("providers[0].api_key") << QByteArray("sk-test-literalupstre-1717");
    QTest::newRow("literal key in a key list")
        << "{" + good +
               R"(, "providers": [{"id": "a", "kind": "openai", "base_url": "http://127.0.0.1:9/v1", "api_key": ["env:A", "sk-test-in-list-5151"]}]})"
        << QByteArray("providers[0].api_key[1]") << QByteArray("sk-test-in-list-5151");
    QTest::newRow("base_url not http")
        << "{" + good +
               R"(, "providers": [{"id": "a", "kind": "openai", "base_url": "http://127.0.0.1:9/v1"}, {"id": "b", "kind": "openai", "base_url": "ftp://127.0.0.1/v1"}]})"
        << QByteArray("providers[1].base_url") << QByteArray();
    QTest::newRow("base_url not a URL")
        << "{" + good +
               R"(, "providers": [{"id": "a", "kind": "openai", "base_url": "127.0.0.1:9"}]})"
        << QByteArray("providers[0].base_url") << QByteArray();
}

void TestHeadlessCli::configError()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, jsonPath);
    QFETCH(QByteArray, secret);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fileName = u"my-gateway.json"_s;
    QVERIFY(writeFile(dir.filePath(fileName), config));
    Child child;
    // No --listen: the config's port 0 is used should it (wrongly) be accepted.
    QVERIFY(child.start(onegateBin(), {u"--headless"_s, u"--config"_s, dir.filePath(fileName),
                                       u"--data-dir"_s, dir.filePath(u"data"_s)}));
    QVERIFY(child.finish());
    const QByteArray err = child.allStderr();
    QCOMPARE(child.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.process().exitCode() == 2,
             qPrintable(u"exit code %1, stderr: %2"_s.arg(child.process().exitCode())
                            .arg(QString::fromUtf8(err))));
    QCOMPARE(child.allStdout(), QByteArray());
    QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, err.constData());
    // "my-gateway.json: providers[1].base_url: not an http(s) URL"
    const QByteArray prefix = fileName.toUtf8() + ": " + jsonPath + ": ";
    QVERIFY2(err.startsWith(prefix) && err.size() > prefix.size() + 1,
             qPrintable(u"expected '%1<message>', got: %2"_s.arg(QString::fromUtf8(prefix),
                                                                 QString::fromUtf8(err))));
    if (!secret.isEmpty()) {
        QVERIFY2(!err.contains(secret), err.constData());
        // Not even a recognisable part of it.
        QVERIFY2(!err.contains(secret.right(8)), err.constData());
    }
    // Refused before binding or opening anything.
    QVERIFY(!QFileInfo::exists(dir.filePath(u"data/usage.db"_s)));
}

void TestHeadlessCli::portInUse()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    const quint16 port = occupier.serverPort();

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(u"config.json"_s), configJson(0)));
    Child child;
    QVERIFY(
        child.start(onegateBin(), {u"--headless"_s, u"--config"_s, dir.filePath(u"config.json"_s),
                                   u"--data-dir"_s, dir.filePath(u"data"_s), u"--listen"_s,
                                   u"127.0.0.1:%1"_s.arg(port)}));
    QVERIFY(child.finish());
    const QByteArray err = child.allStderr();
    QCOMPARE(child.process().exitStatus(), QProcess::NormalExit);
    QVERIFY2(child.process().exitCode() == 3,
             qPrintable(u"exit code %1, stderr: %2"_s.arg(child.process().exitCode())
                            .arg(QString::fromUtf8(err))));
    QCOMPARE(child.allStdout(), QByteArray());
    QVERIFY2(err.contains(QByteArray::number(port)), err.constData());
    QVERIFY2(err.contains("in use"), err.constData());
}

void TestHeadlessCli::hostGuardAndHealth_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("host"); // PORT is replaced by the real port
    QTest::addColumn<bool>("withKey");
    QTest::addColumn<int>("status");

    QTest::newRow("health, no key")
        << QByteArray("/health") << QByteArray("127.0.0.1:PORT") << false << 200;
    QTest::newRow("health as localhost")
        << QByteArray("/health") << QByteArray("localhost:PORT") << false << 200;
    QTest::newRow("health, evil host")
        << QByteArray("/health") << QByteArray("evil.example") << false << 403;
    QTest::newRow("health, evil host and port")
        << QByteArray("/health") << QByteArray("evil.example:PORT") << false << 403;
    QTest::newRow("models, evil host, good key")
        << QByteArray("/v1/models") << QByteArray("evil.example:PORT") << true << 403;
    QTest::newRow("models, no key")
        << QByteArray("/v1/models") << QByteArray("127.0.0.1:PORT") << false << 401;
    QTest::newRow("models, good key")
        << QByteArray("/v1/models") << QByteArray("127.0.0.1:PORT") << true << 200;
}

void TestHeadlessCli::hostGuardAndHealth()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, host);
    QFETCH(bool, withKey);
    QFETCH(int, status);

    Onegate onegate;
    QVERIFY(onegate.start(configJson(0)));
    host.replace("PORT", QByteArray::number(onegate.port));
    const Exchange answer =
        rawGet(onegate.port, path, host,
               withKey ? QByteArray(kAccessKey.data(), kAccessKey.size()) : QByteArray());
    QVERIFY(answer.finished);
    QCOMPARE(answer.status, status);
    const QJsonObject json = QJsonDocument::fromJson(answer.body).object();
    if (status >= 400) {
        // CONTRACT.md section 3: the OpenAI error shape.
        const QJsonObject error = json.value(u"error"_s).toObject();
        QVERIFY2(!error.value(u"message"_s).toString().isEmpty(), answer.body.constData());
        QVERIFY(error.contains(u"type"_s));
        QVERIFY(!answer.body.contains(QByteArray(kAccessKey.data(), kAccessKey.size())));
    }
}

void TestHeadlessCli::gracefulShutdownWithStreamInFlight_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("mustBeCancelled");
    // `stall` never finishes: the gateway must cancel it with an in-stream error.
    QTest::newRow("stall") << u"stall"_s << true;
    // 200 ms between events: finishes or is cancelled, either way the stream ends cleanly.
    QTest::newRow("slow text") << u"text@200"_s << false;
}

void TestHeadlessCli::gracefulShutdownWithStreamInFlight()
{
    QFETCH(QString, model);
    QFETCH(bool, mustBeCancelled);
    QVERIFY2(m_fakePort != 0, "fake_upstream did not start (initTestCase says why)");

    QElapsedTimer sinceSignal;
    qint64 exitAfterMs = -1;
    Onegate onegate;
    QVERIFY(onegate.start(configJson(m_fakePort)));
    QProcess &process = onegate.child.process();
    const qsizetype fakeOutputBefore = m_fake->allStdout().size();
    connect(&process, &QProcess::finished, this, [&] { exitAfterMs = sinceSignal.elapsed(); });

    // SIGTERM once the stream is flowing, or (a stall may send nothing at all) once the
    // request has surely reached the gateway.
    auto signalOnce = [&] {
        if (!sinceSignal.isValid()) {
            sinceSignal.start();
            process.terminate();
        }
    };
    QTimer fallback;
    fallback.setSingleShot(true);
    connect(&fallback, &QTimer::timeout, this, signalOnce);
    fallback.start(800);
    const Exchange answer = send(
        onegate.url(u"/v1/chat/completions"_s), chatBody(model, true, true), true,
        [&](const QByteArray &soFar) {
            if (soFar.contains("\"content\""))
                signalOnce();
        },
        {}, 10000);
    QVERIFY(answer.finished);
    QVERIFY(sinceSignal.isValid());
    QVERIFY2(!answer.cutOff(),
             qPrintable(u"stream cut off (error %1) after: %2"_s.arg(int(answer.error))
                            .arg(QString::fromUtf8(answer.body.right(300)))));

    QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, kGracefulExitMs + 2000);
    QVERIFY2(exitAfterMs >= 0 && exitAfterMs <= kGracefulExitMs,
             qPrintable(u"exited %1 ms after SIGTERM"_s.arg(exitAfterMs)));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);

    // The stream's end: [DONE] after a finished answer, or an error event (and no [DONE])
    // when cancelled. A stall that sent nothing yet may instead get a plain error answer.
    bool cancelled = false;
    if (answer.status == 200) {
        const QList<QByteArray> events = sseData(answer.body);
        QVERIFY2(!events.isEmpty(), answer.body.constData());
        if (events.constLast() == "[DONE]") {
            QVERIFY(!events.contains("[DONE]") || events.indexOf("[DONE]") == events.size() - 1);
        } else {
            const QJsonObject error =
                QJsonDocument::fromJson(events.constLast()).object().value(u"error"_s).toObject();
            QVERIFY2(!error.value(u"message"_s).toString().isEmpty(),
                     events.constLast().constData());
            QVERIFY(!events.contains("[DONE]"));
            cancelled = true;
        }
    } else {
        QCOMPARE(answer.status, 503);
        QVERIFY(
            !QJsonDocument::fromJson(answer.body).object().value(u"error"_s).toObject().isEmpty());
        cancelled = true;
    }
    if (mustBeCancelled)
        QVERIFY(cancelled);

    UsageDb db(onegate.usageDb());
    QVERIFY2(db.isOpen(), qPrintable(db.error()));
    QCOMPARE(db.integrityCheck(), u"ok"_s);
    const QList<QVariantMap> rows = db.rows();
    QCOMPARE(rows.size(), 1);
    const QVariantMap row = rows.constFirst();
    QCOMPARE(row.value(u"requested_model"_s).toString(), model);
    QCOMPARE(row.value(u"access_key"_s).toString(), u"test"_s);
    QCOMPARE(row.value(u"provider"_s).toString(), u"fake"_s);
    QCOMPARE(row.value(u"stream"_s).toInt(), 1);
    if (cancelled) {
        QVERIFY(row.value(u"status"_s).toInt() >= 500);
        QVERIFY(!row.value(u"error"_s).toString().isEmpty());
    } else {
        QCOMPARE(row.value(u"status"_s).toInt(), 200);
    }
    // Cancelling frees the provider at once: the fake sees its client go.
    if (cancelled)
        QTRY_VERIFY_WITH_TIMEOUT(m_fake->allStdout().mid(fakeOutputBefore).contains("aborted"),
                                 3000);
}

void TestHeadlessCli::usageRowSurvivesKill9_data()
{
    QTest::addColumn<int>("requests");
    QTest::addColumn<bool>("stream");
    for (int n = 1; n <= 5; ++n)
        QTest::addRow("non-stream x%d", n) << n << false;
    QTest::newRow("stream, killed at [DONE]") << 1 << true;
    QTest::newRow("stream x3, killed at [DONE]") << 3 << true;
}

void TestHeadlessCli::usageRowSurvivesKill9()
{
    QFETCH(int, requests);
    QFETCH(bool, stream);
    QVERIFY2(m_fakePort != 0, "fake_upstream did not start (initTestCase says why)");

    Onegate onegate;
    QVERIFY(onegate.start(configJson(m_fakePort)));
    QProcess &process = onegate.child.process();
    QList<QJsonObject> usages;
    for (int i = 0; i < requests; ++i) {
        const bool last = i == requests - 1;
        // SIGKILL the moment the client holds the whole answer: from inside the reply's
        // own signal, before the event loop runs anything else.
        auto killNow = [&process, last] {
            if (last && process.state() == QProcess::Running)
                process.kill();
        };
        const Exchange answer = send(
            onegate.url(u"/v1/chat/completions"_s), chatBody(u"text"_s, stream, true), true,
            [&](const QByteArray &soFar) {
                if (stream && soFar.contains("data: [DONE]"))
                    killNow();
            },
            killNow);
        QVERIFY(answer.finished);
        if (!last || !stream)
            QCOMPARE(answer.status, 200);
        QVERIFY2(stream ? answer.body.contains("data: [DONE]") : !answer.cutOff(),
                 answer.body.right(300).constData());
        const QJsonObject usage = usageOf(answer.body, stream);
        QVERIFY2(usage.value(u"prompt_tokens"_s).toInteger() > 0,
                 answer.body.right(500).constData());
        usages.append(usage);
    }
    // The event loop may already have reaped the killed process while the client read
    // its last bytes; waitForFinished() answers false for a process already finished.
    QVERIFY(process.state() == QProcess::NotRunning || process.waitForFinished(5000));
    QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    // The last rows may be only in the journal beside usage.db (durable the moment the
    // answer ended, committed in batches): the next start writes them into the database
    // before it listens.
    Child restarted;
    QVERIFY(restarted.start(onegateBin(), {u"--headless"_s, u"--config"_s, onegate.configPath(), u"--data-dir"_s,
                                           onegate.dataDir(), u"--listen"_s, u"127.0.0.1:0"_s}));
    QVERIFY2(restarted.waitForListening(u"onegate"_s) != 0, restarted.allStderr().constData());
    restarted.process().terminate();
    QVERIFY(restarted.process().waitForFinished(10000));

    UsageDb db(onegate.usageDb());
    QVERIFY2(db.isOpen(), qPrintable(db.error()));
    QCOMPARE(db.integrityCheck(), u"ok"_s);
    const QList<QVariantMap> rows = db.rows();
    QCOMPARE(rows.size(), requests);
    for (int i = 0; i < requests; ++i) {
        const QVariantMap &row = rows.at(i);
        QCOMPARE(row.value(u"requested_model"_s).toString(), u"text"_s);
        QCOMPARE(row.value(u"access_key"_s).toString(), u"test"_s);
        QCOMPARE(row.value(u"provider"_s).toString(), u"fake"_s);
        QCOMPARE(row.value(u"upstream_model"_s).toString(), u"text"_s);
        QCOMPARE(row.value(u"status"_s).toInt(), 200);
        QCOMPARE(row.value(u"stream"_s).toInt(), stream ? 1 : 0);
        QCOMPARE(row.value(u"prompt_tokens"_s).toLongLong(),
                 usages.at(i).value(u"prompt_tokens"_s).toInteger());
        QCOMPARE(row.value(u"completion_tokens"_s).toLongLong(),
                 usages.at(i).value(u"completion_tokens"_s).toInteger());
        QVERIFY(row.value(u"error"_s).toString().isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestHeadlessCli)
#include "tst_headless_cli.moc"
