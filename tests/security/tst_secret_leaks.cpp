// Secrets must not leak (security issue): a provider key goes only to its own provider's
// base_url, and neither a provider key nor an access key ever shows up in what OneGate
// answers, prints, stores or writes. The real `onegate --headless` runs a full session
// against one in-process fake upstream per provider (every kind, each with its own
// distinctive fake key, one with two keys, one with none), including upstream errors
// whose bodies quote the key back as real providers and proxies sometimes do. Then every
// output is searched for every secret: the answers the clients got (heads and bodies),
// onegate's stdout and stderr at Qt's most verbose logging, every file under the
// instance's folder (config.json, usage.db with its -wal and -shm, anything else, and
// the HOME and XDG folders it was given), /metrics, and what a crashing instance prints.
//
// The searches only mean something if the secrets were really used: the test also checks
// that every fake saw its own key where its API wants it, and that every output searched
// is non-empty.

#include "ChildProcess.h"
#include "FakeUpstream.h"
#include "TestHttpClient.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <memory>
#include <signal.h>
#include <sys/resource.h>
#include <vector>

using namespace Qt::StringLiterals;
using onegate::test::ChildProcess;
using onegate::test::FakeUpstream;
using onegate::test::RawHeaders;
using onegate::test::RecordedRequest;
using onegate::test::TestHttpClient;

// Built with AddressSanitizer (gcc says so with a macro, clang 14 only through __has_feature).
#if defined(__SANITIZE_ADDRESS__)
#define ONEGATE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ONEGATE_ASAN 1
#endif
#endif
#ifndef ONEGATE_ASAN
#define ONEGATE_ASAN 0
#endif
namespace {

// Generous for a loaded 2-core machine; nothing here measures time.
constexpr int kStartTimeoutMs = 20000;
constexpr int kRequestTimeoutMs = 30000;
constexpr int kExitTimeoutMs = 15000;

// Obviously fake, each distinctive, none longer than a secret scanner's threshold.
struct Secret {
    const char *label;
    const char *env; // the variable onegate reads it from; nullptr: never configured
    QByteArray value;
};

const Secret kOpenAiKey{"openai provider key", "LEAK_OPENAI_KEY", "sk-leakA-7Q2w9"_ba};
const Secret kMultiKey1{"first key of the two-key provider", "LEAK_MULTI_KEY_1",
                        "sk-leakB1-3Mx8"_ba};
const Secret kMultiKey2{"second key of the two-key provider", "LEAK_MULTI_KEY_2",
                        "sk-leakB2-9Tz4"_ba};
const Secret kAnthropicKey{"anthropic provider key", "LEAK_ANTHROPIC_KEY", "sk-ant-leakC-4Rt8"_ba};
const Secret kGeminiKey{"gemini provider key", "LEAK_GEMINI_KEY", "AIzaLeakD-8Wn5Kp"_ba};
const Secret kAzureKey{"azure provider key", "LEAK_AZURE_KEY", "leakE-azure-6Vb1"_ba};
const Secret kAccessKey{"access key", "LEAK_ACCESS_KEY", "sk-leakAccess-5Hd2q"_ba};
// Wrong access keys a client sends: a gateway that logs refused keys would hand out
// whatever a user pasted by mistake (often a real provider key).
const Secret kWrongBearer{"wrong access key (Bearer)", nullptr, "sk-leakWrongF-1Zq7"_ba};
const Secret kWrongXApiKey{"wrong access key (x-api-key)", nullptr, "sk-leakWrongG-2Yp6"_ba};
const Secret kWrongApiKey{"wrong access key (api-key)", nullptr, "sk-leakWrongH-3Xo5"_ba};

const QList<Secret> &allSecrets()
{
    static const QList<Secret> secrets{kOpenAiKey,    kMultiKey1,  kMultiKey2, kAnthropicKey,
                                       kGeminiKey,    kAzureKey,   kAccessKey, kWrongBearer,
                                       kWrongXApiKey, kWrongApiKey};
    return secrets;
}

// How the config names a secret: an env: reference, never the value.
QString envRef(const Secret &secret)
{
    return QString(u"env:"_s + QString::fromLatin1(secret.env));
}

QString onegateBin()
{
    return QStringLiteral(ONEGATE_BIN);
}

// The needles for one secret: the whole key, and its last 8 characters, so a key
// that was only cut short (not masked) is caught too.
QList<QByteArray> needlesOf(const Secret &secret)
{
    return {secret.value, secret.value.right(8)};
}

// Where a secret was found, for the failure message: the place, the offset, and the
// bytes around it (the secrets are fakes, so printing them is harmless).
QString describeHit(const Secret &secret, const QString &where, const QByteArray &blob,
                    qsizetype at, const QByteArray &needle)
{
    QByteArray context = blob.mid(qMax<qsizetype>(0, at - 60), needle.size() + 120);
    for (char &c : context) {
        if (uchar(c) < 0x20 || uchar(c) >= 0x7f)
            c = '.';
    }
    return u"%1 (%2%3) found in %4 at byte %5: ...%6..."_s
        .arg(QString::fromLatin1(secret.label), QString::fromLatin1(needle),
             needle == secret.value ? QString() : u", its tail"_s, where)
        .arg(at)
        .arg(QString::fromLatin1(context));
}

// Fails the test naming every finding: each on its own warning line (a QVERIFY2 message
// is cut short), the count and the first in the failure itself.
#define VERIFY_NONE(findings, kind)                                                                \
    do {                                                                                           \
        for (const QString &finding : std::as_const(findings))                                     \
            qWarning().noquote() << kind ":" << finding;                                           \
        QVERIFY2((findings).isEmpty(),                                                             \
                 qPrintable(u"%1 x " kind                                                          \
                            " (each in a line above); the first: %2"_s.arg((findings).size())      \
                                .arg((findings).value(0))));                                       \
    } while (false)

// Every hit of every secret in `blob`.
QStringList leaksIn(const QString &where, const QByteArray &blob)
{
    QStringList hits;
    for (const Secret &secret : allSecrets()) {
        for (const QByteArray &needle : needlesOf(secret)) {
            const qsizetype at = blob.indexOf(needle);
            if (at >= 0) {
                hits.append(describeHit(secret, where, blob, at, needle));
                break;
            }
        }
    }
    return hits;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size();
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray chatBody(const QString &model, bool stream)
{
    QJsonObject body{
        {u"model"_s, model},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                               {u"content"_s, u"What is the weather?"_s}}}}};
    if (stream) {
        body.insert(u"stream"_s, true);
        body.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    }
    return compact(body);
}

QByteArray messagesBody(const QString &model, bool stream)
{
    QJsonObject body{{u"model"_s, model},
                     {u"max_tokens"_s, 64},
                     {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                            {u"content"_s, u"Hello there"_s}}}}};
    if (stream)
        body.insert(u"stream"_s, true);
    return compact(body);
}

QByteArray responsesBody(const QString &model, bool stream)
{
    QJsonObject body{{u"model"_s, model}, {u"input"_s, u"Say hello"_s}};
    if (stream)
        body.insert(u"stream"_s, true);
    return compact(body);
}

QByteArray embeddingsBody(const QString &model)
{
    return compact(QJsonObject{{u"model"_s, model},
                               {u"input"_s, QJsonArray{u"hello world"_s, u"secret free"_s}}});
}

// Which header of a provider's request must carry its key, and which keys may be there.
struct KeyedFake {
    QString id; // the provider id in the config
    QString kind;
    QByteArray keyHeader; // empty: the provider has no key, no credential header at all
    QByteArray prefix;    // what comes before the key in that header
    QList<Secret> keys;
    std::unique_ptr<FakeUpstream> fake;
};

// One `onegate --headless` with its own folder: config, data, and the HOME and XDG
// folders it is given, so any file it writes anywhere lands where the test looks.
struct Instance {
    QTemporaryDir dir;
    std::unique_ptr<ChildProcess> child;
    quint16 port = 0;
    quint16 ollamaPort = 0;

    QString path(const QString &relative) const { return dir.filePath(relative); }

    bool start(const QByteArray &config, QString *why)
    {
        if (!dir.isValid()) {
            *why = u"no temporary folder"_s;
            return false;
        }
        for (const QString &sub : {u"data"_s, u"home"_s, u"xdg-config"_s, u"xdg-data"_s,
                                   u"xdg-cache"_s, u"runtime"_s, u"cwd"_s})
            QDir(dir.path()).mkpath(sub);
        QFile::setPermissions(path(u"runtime"_s), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                      QFileDevice::ExeOwner);
        if (!writeFile(path(u"config.json"_s), config)) {
            *why = u"cannot write config.json"_s;
            return false;
        }
        QList<QPair<QString, QString>> secrets;
        for (const Secret &secret : allSecrets()) {
            if (secret.env)
                secrets.append(
                    {QString::fromLatin1(secret.env), QString::fromLatin1(secret.value)});
        }
        // No keychain (childEnvironment drops the D-Bus session): env: references only.
        QProcessEnvironment env = onegate::test::childEnvironment(secrets);
        // Qt's most verbose logging: every category at debug level, its own included, so
        // a key printed by any log line on any level shows up in stderr.
        env.insert(u"QT_LOGGING_RULES"_s, u"*.debug=true"_s);
        env.remove(u"QT_MESSAGE_PATTERN"_s);
        env.insert(u"HOME"_s, path(u"home"_s));
        env.insert(u"XDG_CONFIG_HOME"_s, path(u"xdg-config"_s));
        env.insert(u"XDG_DATA_HOME"_s, path(u"xdg-data"_s));
        env.insert(u"XDG_CACHE_HOME"_s, path(u"xdg-cache"_s));
        env.insert(u"XDG_RUNTIME_DIR"_s, path(u"runtime"_s));
        // No proxy between OneGate and the fakes.
        for (const QString &name :
             {u"http_proxy"_s, u"https_proxy"_s, u"all_proxy"_s, u"no_proxy"_s, u"HTTP_PROXY"_s,
              u"HTTPS_PROXY"_s, u"ALL_PROXY"_s, u"NO_PROXY"_s})
            env.remove(name);
        child = std::make_unique<ChildProcess>(env);
        QProcess &process = child->process();
        process.setWorkingDirectory(path(u"cwd"_s));
        // A core file holds the whole memory, keys included, whatever OneGate does; whether
        // one is written is the system's policy (ulimit -c, core_pattern), so the test
        // pins it: none. What a crash prints is OneGate's, and is searched.
        process.setChildProcessModifier([] {
            const rlimit none{0, 0};
            ::setrlimit(RLIMIT_CORE, &none);
        });
        if (!child->start(onegateBin(),
                          {u"--headless"_s, u"--config"_s, path(u"config.json"_s), u"--data-dir"_s,
                           path(u"data"_s), u"--listen"_s, u"127.0.0.1:0"_s},
                          kStartTimeoutMs)) {
            *why = u"onegate did not start: "_s + process.errorString();
            return false;
        }
        // Both lines come before any request: blocking here starves no fake.
        static const QRegularExpression mainLine(
            u"^onegate listening on http://127\\.0\\.0\\.1:(\\d+)$"_s,
            QRegularExpression::MultilineOption);
        static const QRegularExpression ollamaLine(
            u"^onegate Ollama-compatible API on http://127\\.0\\.0\\.1:(\\d+)$"_s,
            QRegularExpression::MultilineOption);
        const QDeadlineTimer deadline(kStartTimeoutMs);
        while (port == 0 || ollamaPort == 0) {
            const QString out = QString::fromUtf8(child->allStdout());
            port = quint16(mainLine.match(out).captured(1).toUInt());
            ollamaPort = quint16(ollamaLine.match(out).captured(1).toUInt());
            if (port != 0 && ollamaPort != 0)
                break;
            if (deadline.hasExpired() || process.state() == QProcess::NotRunning) {
                *why = u"onegate did not listen; stdout: %1 stderr: %2"_s.arg(
                    QString::fromUtf8(child->allStdout()),
                    QString::fromUtf8(child->allStderr().right(3000)));
                return false;
            }
            process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        }
        return true;
    }

    // Every file under the instance's folder, as (relative path, bytes).
    QList<QPair<QString, QByteArray>> files() const
    {
        QList<QPair<QString, QByteArray>> found;
        QDirIterator it(dir.path(),
                        QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            found.append({QDir(dir.path()).relativeFilePath(file), readAll(file)});
        }
        return found;
    }
};

// What a client saw of one exchange.
struct Seen {
    QString label;
    int status = 0;
    QByteArray head; // status and headers, as received
    QByteArray body; // chunk framing removed
};

} // namespace

class TestSecretLeaks final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fullRun();
    void crashOutput_data();
    void crashOutput();

private:
    QByteArray configJson() const;
    KeyedFake &fake(const QString &id);
    // Sends one request to `port` (the main port unless given) and keeps what came back
    // under `label`. `status` 0: any status.
    Seen call(const QString &label, const QByteArray &method, const QByteArray &path,
              RawHeaders headers, const QByteArray &body, int status, quint16 port = 0,
              bool withKey = true);
    // Checks every request each fake received: its own key in its own header and nowhere
    // else, no other secret anywhere, every key used; returns the problems.
    QStringList checkUpstreams();

    std::vector<KeyedFake> m_fakes;
    // Never named by any provider: where a redirect points, to see a key never follows it.
    std::unique_ptr<FakeUpstream> m_trap;
    Instance *m_instance = nullptr;
    QList<Seen> m_seen;
};

void TestSecretLeaks::initTestCase()
{
    QVERIFY2(QFileInfo(onegateBin()).isExecutable(), qPrintable(onegateBin()));
    QVERIFY(QSqlDatabase::isDriverAvailable(u"QSQLITE"_s));
    m_fakes.push_back({u"oai"_s, u"openai"_s, "authorization"_ba, "Bearer "_ba, {kOpenAiKey}, {}});
    m_fakes.push_back(
        {u"multi"_s, u"openai"_s, "authorization"_ba, "Bearer "_ba, {kMultiKey1, kMultiKey2}, {}});
    m_fakes.push_back({u"claude"_s, u"anthropic"_s, "x-api-key"_ba, {}, {kAnthropicKey}, {}});
    m_fakes.push_back({u"gem"_s, u"gemini"_s, "x-goog-api-key"_ba, {}, {kGeminiKey}, {}});
    m_fakes.push_back({u"az"_s, u"azure"_s, "api-key"_ba, {}, {kAzureKey}, {}});
    m_fakes.push_back({u"local"_s, u"ollama"_s, {}, {}, {}, {}});
    for (KeyedFake &keyed : m_fakes) {
        // One expected key makes the fake refuse any other (so a swapped key fails the
        // success checks); the two-key provider's fake takes any and is checked below.
        const QByteArray expected =
            keyed.keys.size() == 1 ? keyed.keys.constFirst().value : QByteArray();
        keyed.fake =
            std::make_unique<FakeUpstream>(onegate::test::makeFakeDialect(keyed.kind), expected);
        QVERIFY2(keyed.fake->listen(), qPrintable(keyed.id + u": "_s + keyed.fake->errorString()));
    }
    m_trap = std::make_unique<FakeUpstream>();
    QVERIFY2(m_trap->listen(), qPrintable(m_trap->errorString()));
}

KeyedFake &TestSecretLeaks::fake(const QString &id)
{
    const auto found = std::find_if(m_fakes.begin(), m_fakes.end(),
                                    [&id](const KeyedFake &keyed) { return keyed.id == id; });
    Q_ASSERT(found != m_fakes.end());
    return *found;
}

QByteArray TestSecretLeaks::configJson() const
{
    QJsonArray providers;
    for (const KeyedFake &keyed : m_fakes) {
        QJsonObject provider{{u"id"_s, keyed.id},
                             {u"kind"_s, keyed.kind},
                             {u"base_url"_s, keyed.kind == "openai"_L1 ? keyed.fake->baseUrl()
                                                                       : keyed.fake->origin()},
                             {u"proxy"_s, u"none"_s}};
        if (keyed.keys.size() == 1) {
            provider.insert(u"api_key"_s, envRef(keyed.keys.constFirst()));
        } else if (!keyed.keys.isEmpty()) {
            QJsonArray refs;
            for (const Secret &key : keyed.keys)
                refs.append(envRef(key));
            provider.insert(u"api_key"_s, refs);
        }
        if (keyed.id == "oai"_L1)
            provider.insert(u"models"_s, QJsonArray{u"text"_s});
        if (keyed.id == "multi"_L1)
            provider.insert(u"responses"_s, true);
        providers.append(provider);
    }
    const QJsonObject root{
        {u"listen"_s, u"127.0.0.1:0"_s},
        {u"auth"_s, QJsonObject{{u"required"_s, true}}},
        {u"access_keys"_s, QJsonArray{QJsonObject{{u"name"_s, u"leaktest"_s},
                                                  {u"key"_s, envRef(kAccessKey)},
                                                  {u"models"_s, QJsonArray{u"*"_s}}}}},
        {u"providers"_s, providers},
        // A pool for the failover: azure first, gemini when azure fails.
        {u"models"_s,
         QJsonArray{QJsonObject{{u"id"_s, u"failover"_s},
                                {u"routes"_s, QJsonArray{QJsonObject{{u"provider"_s, u"az"_s},
                                                                     {u"model"_s, u"text"_s},
                                                                     {u"priority"_s, 0}},
                                                         QJsonObject{{u"provider"_s, u"gem"_s},
                                                                     {u"model"_s, u"text"_s},
                                                                     {u"priority"_s, 1}}}}}}},
        // Failures must not switch routes or keys off for the rest of the run (a 401 cools
        // its key down): the breaker practically never opens and cools down at once.
        {u"router"_s, QJsonObject{{u"max_attempts"_s, 3},
                                  {u"retry_after_max_ms"_s, 0},
                                  {u"breaker"_s, QJsonObject{{u"failures"_s, 1000},
                                                             {u"cooldown_ms"_s, 1},
                                                             {u"max_cooldown_ms"_s, 1}}}}},
        {u"ollama"_s, QJsonObject{{u"listen"_s, u"127.0.0.1:0"_s}}},
    };
    return QJsonDocument(root).toJson();
}

Seen TestSecretLeaks::call(const QString &label, const QByteArray &method, const QByteArray &path,
                           RawHeaders headers, const QByteArray &body, int status, quint16 port,
                           bool withKey)
{
    if (withKey)
        headers.prepend({"Authorization"_ba, "Bearer " + kAccessKey.value});
    if (!body.isEmpty())
        headers.append({"Content-Type"_ba, "application/json"_ba});
    TestHttpClient client(port ? port : m_instance->port);
    client.send(method, path, headers, body);
    const bool finished = client.waitForFinished(kRequestTimeoutMs);
    Seen seen;
    seen.label = label;
    seen.status = client.status();
    seen.head = "HTTP/1.1 " + QByteArray::number(client.status()) + "\r\n";
    for (const auto &[name, value] : client.headers())
        seen.head += name + ": " + value + "\r\n";
    seen.body = client.body();
    m_seen.append(seen);
    if (!finished)
        qWarning().noquote() << label << "did not finish; got so far:" << seen.head
                             << seen.body.left(500);
    if (status != 0 && seen.status != status)
        qWarning().noquote() << label << "answered" << seen.status << "instead of" << status << ":"
                             << seen.body.left(800);
    return seen;
}

QStringList TestSecretLeaks::checkUpstreams()
{
    QStringList problems;
    auto problem = [&](const QString &text) { problems.append(text); };
    for (const KeyedFake &keyed : m_fakes) {
        const QList<RecordedRequest> &requests = keyed.fake->requests();
        if (requests.isEmpty())
            problem(u"provider '%1' was never called: the run did not use its key"_s.arg(keyed.id));
        QSet<QByteArray> keysSeen;
        for (qsizetype i = 0; i < requests.size(); ++i) {
            const RecordedRequest &request = requests.at(i);
            const QString where = u"request %1 (%2 %3) to provider '%4'"_s.arg(i).arg(
                QString::fromLatin1(request.method), QString::fromLatin1(request.path), keyed.id);
            // Everything the provider got but the one header its key belongs in.
            QByteArray elsewhere = request.method + ' ' + request.path + '\n';
            QByteArray credential;
            for (const auto &[name, value] : request.headers) {
                if (!keyed.keyHeader.isEmpty() &&
                    name.compare(keyed.keyHeader, Qt::CaseInsensitive) == 0)
                    credential = value;
                else
                    elsewhere += name + ": " + value + '\n';
            }
            elsewhere += request.rawBody;
            problems += leaksIn(keyed.keyHeader.isEmpty()
                                    ? where
                                    : where + u" outside its "_s +
                                          QString::fromLatin1(keyed.keyHeader) + u" header"_s,
                                elsewhere);
            for (const char *header : {"authorization", "x-api-key", "api-key", "x-goog-api-key"}) {
                if (keyed.keyHeader.isEmpty() && !request.header(header).isNull())
                    problem(where + u": a keyless provider got a %1 header"_s.arg(
                                        QString::fromLatin1(header)));
            }
            if (keyed.keyHeader.isEmpty())
                continue;
            bool own = false;
            for (const Secret &key : keyed.keys) {
                if (credential == keyed.prefix + key.value) {
                    own = true;
                    keysSeen.insert(key.value);
                }
            }
            if (!own) {
                const QStringList foreign = leaksIn(
                    where + u" in its "_s + QString::fromLatin1(keyed.keyHeader) + u" header"_s,
                    credential);
                problem(where + u": its %1 header is not its own key: %2"_s.arg(
                                    QString::fromLatin1(keyed.keyHeader),
                                    foreign.isEmpty() ? QString::fromLatin1(credential)
                                                      : foreign.join(u"; "_s)));
            }
        }
        for (const Secret &key : keyed.keys) {
            if (!keysSeen.contains(key.value))
                problem(u"provider '%1' never got its %2: the run did not use it"_s.arg(
                    keyed.id, QString::fromLatin1(key.label)));
        }
    }
    if (!m_trap->requests().isEmpty()) {
        QByteArray first;
        for (const auto &[name, value] : m_trap->requests().constFirst().headers)
            first += name + ": " + value + "; ";
        problem(
            u"a redirect was followed to a server no provider names: it got %1 request(s), the first with %2"_s
                .arg(m_trap->requests().size())
                .arg(QString::fromLatin1(first)));
    }
    return problems;
}

void TestSecretLeaks::fullRun()
{
    Instance instance;
    m_instance = &instance;
    m_seen.clear();
    QString why;
    QVERIFY2(instance.start(configJson(), &why), qPrintable(why));
    const QByteArray configBefore = readAll(instance.path(u"config.json"_s));

    const RawHeaders anthropic{{"anthropic-version"_ba, "2023-06-01"_ba}};
    auto fakeOf = [this](const QString &id) -> FakeUpstream & { return *fake(id).fake; };
    int okCount = 0;
    auto expectOk = [&okCount](const Seen &seen) {
        if (seen.status == 200)
            ++okCount;
        return seen.status == 200;
    };

    // Successful traffic through every dialect to every kind.
    QVERIFY(expectOk(call(u"chat oai"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"oai/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"chat oai, stream"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"oai/text"_s, true), 200)));
    QVERIFY(expectOk(call(u"chat oai by pool id"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"text"_s, false), 200)));
    QVERIFY(expectOk(call(
        u"completions oai"_s, "POST", "/v1/completions", {},
        compact(QJsonObject{{u"model"_s, u"oai/text"_s}, {u"prompt"_s, u"def hello("_s}}), 200)));
    QVERIFY(expectOk(call(u"embeddings oai"_s, "POST", "/v1/embeddings", {},
                          embeddingsBody(u"oai/text"_s), 200)));
    for (int i = 0; i < 2; ++i) {
        // Two keys rotate: two rounds reach both.
        QVERIFY(expectOk(call(u"chat multi %1"_s.arg(i), "POST", "/v1/chat/completions", {},
                              chatBody(u"multi/text"_s, false), 200)));
        QVERIFY(expectOk(call(u"chat multi %1, stream"_s.arg(i), "POST", "/v1/chat/completions", {},
                              chatBody(u"multi/text"_s, true), 200)));
    }
    QVERIFY(expectOk(call(u"responses multi (passthrough)"_s, "POST", "/v1/responses", {},
                          responsesBody(u"multi/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"responses multi (passthrough), stream"_s, "POST", "/v1/responses", {},
                          responsesBody(u"multi/text"_s, true), 200)));
    QVERIFY(expectOk(call(u"chat claude"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"claude/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"chat claude, stream"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"claude/text"_s, true), 200)));
    QVERIFY(expectOk(call(u"messages claude (native)"_s, "POST", "/v1/messages", anthropic,
                          messagesBody(u"claude/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"messages claude (native), stream"_s, "POST", "/v1/messages", anthropic,
                          messagesBody(u"claude/text"_s, true), 200)));
    QVERIFY(expectOk(call(
        u"count_tokens claude"_s, "POST", "/v1/messages/count_tokens", anthropic,
        compact(QJsonObject{{u"model"_s, u"claude/text"_s},
                            {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                   {u"content"_s, u"Hi"_s}}}}}),
        200)));
    QVERIFY(expectOk(call(u"chat gem"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"gem/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"chat gem, stream"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"gem/text"_s, true), 200)));
    QVERIFY(expectOk(call(u"embeddings gem"_s, "POST", "/v1/embeddings", {},
                          embeddingsBody(u"gem/text"_s), 200)));
    QVERIFY(expectOk(call(u"responses gem (translated)"_s, "POST", "/v1/responses", {},
                          responsesBody(u"gem/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"messages gem (translated), stream"_s, "POST", "/v1/messages", anthropic,
                          messagesBody(u"gem/text"_s, true), 200)));
    QVERIFY(expectOk(call(u"chat az"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"az/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"chat az, stream"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"az/text"_s, true), 200)));
    QVERIFY(expectOk(
        call(u"embeddings az"_s, "POST", "/v1/embeddings", {}, embeddingsBody(u"az/text"_s), 200)));
    QVERIFY(expectOk(call(u"chat local"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"local/text"_s, false), 200)));
    QVERIFY(expectOk(call(u"chat local, stream"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"local/text"_s, true), 200)));
    QVERIFY(expectOk(call(u"embeddings local"_s, "POST", "/v1/embeddings", {},
                          embeddingsBody(u"local/text"_s), 200)));
    QVERIFY(expectOk(call(u"messages local (translated)"_s, "POST", "/v1/messages", anthropic,
                          messagesBody(u"local/text"_s, false), 200)));
    // The Ollama-compatible port: no key needed on loopback, one sent is checked.
    QVERIFY(expectOk(call(
        u"ollama-surface chat claude"_s, "POST", "/api/chat", {},
        compact(QJsonObject{{u"model"_s, u"claude/text"_s},
                            {u"stream"_s, false},
                            {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                   {u"content"_s, u"Hi"_s}}}}}),
        200, instance.ollamaPort, false)));
    QVERIFY(
        expectOk(call(u"ollama-surface embed az"_s, "POST", "/api/embed", {},
                      compact(QJsonObject{{u"model"_s, u"az/text"_s}, {u"input"_s, u"hello"_s}}),
                      200, instance.ollamaPort)));
    QVERIFY(expectOk(
        call(u"ollama-surface tags"_s, "GET", "/api/tags", {}, {}, 200, instance.ollamaPort)));
    // No embeddings API at anthropic: refused before any upstream call.
    QCOMPARE(call(u"embeddings claude (none)"_s, "POST", "/v1/embeddings", {},
                  embeddingsBody(u"claude/text"_s), 400)
                 .status,
             400);

    // A failover: azure fails with its key quoted back, gemini answers.
    fakeOf(u"az"_s).setStickyScenario(u"echo-500"_s);
    const qsizetype azureBefore = fakeOf(u"az"_s).requests().size();
    QVERIFY(expectOk(call(u"failover az -> gem"_s, "POST", "/v1/chat/completions", {},
                          chatBody(u"failover"_s, false), 200)));
    QVERIFY2(fakeOf(u"az"_s).requests().size() > azureBefore, "the failover never tried azure");
    fakeOf(u"az"_s).setStickyScenario({});

    // Upstream errors that quote the key back, in every dialect and both ways of answering.
    struct Failing {
        const char *provider;
        const char *scenario;
        const char *endpoint;
        const char *model;
        bool stream;
    };
    const Failing failing[] = {
        {"oai", "echo-429", "/v1/chat/completions", "oai/text", false},
        {"oai", "echo-500", "/v1/chat/completions", "oai/text", true},
        {"oai", "echo-stream", "/v1/chat/completions", "oai/text", true},
        {"oai", "echo-500", "/v1/completions", "oai/text", false},
        {"oai", "echo-429", "/v1/embeddings", "oai/text", false},
        {"oai", "echo-500", "/v1/messages", "oai/text", false},
        {"multi", "echo-500", "/v1/responses", "multi/text", false},
        {"multi", "echo-stream", "/v1/responses", "multi/text", true},
        {"multi", "echo-429", "/v1/chat/completions", "multi/text", false},
        {"claude", "echo-429", "/v1/messages", "claude/text", false},
        {"claude", "echo-500", "/v1/messages", "claude/text", true},
        {"claude", "echo-stream", "/v1/messages", "claude/text", true},
        {"claude", "echo-500", "/v1/chat/completions", "claude/text", false},
        {"claude", "echo-stream", "/v1/chat/completions", "claude/text", true},
        {"claude", "echo-500", "/v1/responses", "claude/text", false},
        {"gem", "echo-429", "/v1/chat/completions", "gem/text", false},
        {"gem", "echo-stream", "/v1/chat/completions", "gem/text", true},
        {"gem", "echo-500", "/v1/embeddings", "gem/text", false},
        {"gem", "echo-500", "/v1/messages", "gem/text", false},
        {"az", "echo-429", "/v1/chat/completions", "az/text", false},
        {"az", "echo-stream", "/v1/chat/completions", "az/text", true},
        {"az", "echo-500", "/v1/embeddings", "az/text", false},
        {"local", "echo-500", "/v1/chat/completions", "local/text", false},
        {"local", "echo-stream", "/v1/chat/completions", "local/text", true},
        // 401 last for each provider: a rejected key cools down (1 ms here).
        {"oai", "echo-401", "/v1/chat/completions", "oai/text", false},
        {"oai", "echo-401", "/v1/completions", "oai/text", false},
        {"multi", "echo-401", "/v1/responses", "multi/text", false},
        {"multi", "echo-401", "/v1/chat/completions", "multi/text", true},
        {"claude", "echo-401", "/v1/messages", "claude/text", false},
        {"claude", "echo-401", "/v1/chat/completions", "claude/text", false},
        {"claude", "echo-401", "/v1/messages/count_tokens", "claude/text", false},
        {"gem", "echo-401", "/v1/chat/completions", "gem/text", false},
        {"gem", "echo-401", "/v1/responses", "gem/text", true},
        {"az", "echo-401", "/v1/chat/completions", "az/text", false},
        {"az", "echo-401", "/v1/embeddings", "az/text", false},
        {"local", "echo-401", "/v1/chat/completions", "local/text", false},
    };
    for (const Failing &f : failing) {
        const QString provider = QString::fromLatin1(f.provider);
        const QString model = QString::fromLatin1(f.model);
        const QByteArray endpoint(f.endpoint);
        QByteArray body;
        RawHeaders headers;
        if (endpoint == "/v1/messages" || endpoint == "/v1/messages/count_tokens") {
            headers = anthropic;
            body = messagesBody(model, f.stream);
        } else if (endpoint == "/v1/responses") {
            body = responsesBody(model, f.stream);
        } else if (endpoint == "/v1/embeddings") {
            body = embeddingsBody(model);
        } else if (endpoint == "/v1/completions") {
            body = compact(QJsonObject{
                {u"model"_s, model}, {u"prompt"_s, u"x = "_s}, {u"stream"_s, f.stream}});
        } else {
            body = chatBody(model, f.stream);
        }
        FakeUpstream &upstream = fakeOf(provider);
        const qsizetype before = upstream.requests().size();
        upstream.setStickyScenario(QString::fromLatin1(f.scenario));
        const Seen seen =
            call(u"%1 from %2 on %3%4"_s.arg(QString::fromLatin1(f.scenario), provider,
                                             QString::fromLatin1(f.endpoint),
                                             f.stream ? u", stream"_s : QString()),
                 "POST", endpoint, headers, body, 0);
        upstream.setStickyScenario({});
        QVERIFY2(seen.status != 0, qPrintable(seen.label));
        QVERIFY2(upstream.requests().size() > before,
                 qPrintable(seen.label + u": the provider was never asked"_s));
        // The failure reached the client: an error status, or an error inside the stream.
        QVERIFY2(seen.status >= 400 || seen.body.contains("error"),
                 qPrintable(seen.label + u": "_s + QString::fromUtf8(seen.body.left(500))));
    }

    // A provider that redirects elsewhere: OneGate must not follow with the key.
    fakeOf(u"oai"_s).setStickyScenario(u"redirect-%1"_s.arg(m_trap->port()));
    const Seen redirected = call(u"redirect from oai"_s, "POST", "/v1/chat/completions", {},
                                 chatBody(u"oai/text"_s, false), 0);
    fakeOf(u"oai"_s).setStickyScenario({});
    QVERIFY2(redirected.status >= 400, redirected.body.constData());

    // Refused clients: wrong keys in every header a key may come in, and none at all.
    // (Fewer than the 10 that would ban this address.)
    QCOMPARE(call(u"wrong Bearer key"_s, "POST", "/v1/chat/completions",
                  {{"Authorization"_ba, "Bearer " + kWrongBearer.value}},
                  chatBody(u"oai/text"_s, false), 401, 0, false)
                 .status,
             401);
    QCOMPARE(call(u"wrong x-api-key"_s, "POST", "/v1/messages",
                  {{"x-api-key"_ba, kWrongXApiKey.value}, anthropic.constFirst()},
                  messagesBody(u"claude/text"_s, false), 401, 0, false)
                 .status,
             401);
    QCOMPARE(call(u"wrong api-key"_s, "GET", "/v1/models", {{"api-key"_ba, kWrongApiKey.value}}, {},
                  401, 0, false)
                 .status,
             401);
    QCOMPARE(
        call(u"wrong key on the ollama surface"_s, "POST", "/api/chat",
             {{"Authorization"_ba, "Bearer " + kWrongBearer.value}},
             compact(QJsonObject{{u"model"_s, u"local/text"_s}, {u"messages"_s, QJsonArray()}}),
             401, instance.ollamaPort, false)
            .status,
        401);
    QCOMPARE(call(u"no key"_s, "GET", "/metrics", {}, {}, 401, 0, false).status, 401);
    // A correct key ends the count of failures.
    QVERIFY(expectOk(call(u"models"_s, "GET", "/v1/models", {}, {}, 200)));
    QVERIFY(expectOk(call(u"model oai/text"_s, "GET", "/v1/models/text", {}, {}, 200)));
    QVERIFY(expectOk(call(u"health"_s, "GET", "/health", {}, {}, 200, 0, false)));
    QCOMPARE(call(u"head /"_s, "HEAD", "/", {}, {}, 200, 0, false).status, 200);
    QVERIFY(expectOk(call(u"route health"_s, "GET", "/onegate/routes", {}, {}, 200)));
    const Seen metrics = call(u"metrics"_s, "GET", "/metrics", {}, {}, 200);
    QVERIFY(expectOk(metrics));
    QVERIFY2(metrics.body.contains("onegate_"), metrics.body.left(500).constData());

    // The session ends as a service manager ends it.
    QProcess &process = instance.child->process();
    ::kill(pid_t(process.processId()), SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, kExitTimeoutMs);
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);

    // The searches would prove nothing if the keys had not been used where they belong.
    const QStringList upstreamProblems = checkUpstreams();
    VERIFY_NONE(upstreamProblems, "UPSTREAM");

    // Every output, named; none may be empty (a search of nothing finds nothing).
    QList<QPair<QString, QByteArray>> outputs;
    for (const Seen &seen : std::as_const(m_seen)) {
        QVERIFY2(seen.status != 0, qPrintable(seen.label + u": no answer"_s));
        outputs.append({u"the answer's head to '%1'"_s.arg(seen.label), seen.head});
        if (!seen.head.startsWith("HTTP/1.1 204") && !seen.label.startsWith(u"head "_s))
            outputs.append({u"the answer's body to '%1'"_s.arg(seen.label), seen.body});
    }
    outputs.append({u"onegate's stdout"_s, instance.child->allStdout()});
    outputs.append(
        {u"onegate's stderr (QT_LOGGING_RULES=*.debug=true)"_s, instance.child->allStderr()});
    outputs.append({u"/metrics"_s, metrics.body});
    for (const auto &[name, bytes] : std::as_const(outputs))
        QVERIFY2(!bytes.isEmpty(), qPrintable(name + u" is empty: the search would be vacuous"_s));
    // Every file the instance has, wherever it wrote it; usage.db's -wal and -shm (when a
    // clean close left them) may be empty, as may any lock file.
    const QList<QPair<QString, QByteArray>> files = instance.files();
    QStringList fileNames;
    for (const auto &[name, bytes] : files) {
        fileNames.append(name);
        if (name == "config.json"_L1 || name == "data/usage.db"_L1)
            QVERIFY2(!bytes.isEmpty(),
                     qPrintable(name + u" is empty: the search would be vacuous"_s));
        outputs.append({u"the file "_s + name, bytes});
    }
    QVERIFY2(fileNames.contains(u"config.json"_s), qPrintable(fileNames.join(u", "_s)));
    QVERIFY2(fileNames.contains(u"data/usage.db"_s), qPrintable(fileNames.join(u", "_s)));
    qsizetype searched = 0;
    for (const auto &[name, bytes] : std::as_const(outputs))
        searched += bytes.size();
    qInfo().noquote() << "searching" << outputs.size() << "outputs," << searched
                      << "bytes (stderr:" << instance.child->allStderr().size()
                      << "bytes); files:" << fileNames.join(u", "_s);
    // The config file is the user's: OneGate must not have rewritten it (with or without
    // resolved keys).
    QCOMPARE(readAll(instance.path(u"config.json"_s)), configBefore);

    QStringList leaks;
    for (const auto &[name, bytes] : std::as_const(outputs))
        leaks += leaksIn(name, bytes);
    VERIFY_NONE(leaks, "LEAK");

    // usage.db held the session (so its bytes were worth searching): read only now, as
    // opening it may change its files.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"leaks"_s);
        db.setDatabaseName(instance.path(u"data/usage.db"_s));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery query(db);
        QVERIFY(query.exec(
            u"SELECT COUNT(*), SUM(CASE WHEN error IS NOT NULL AND error <> '' THEN 1 ELSE 0 END) FROM usage"_s));
        QVERIFY(query.next());
        const int rows = query.value(0).toInt();
        const int errors = query.value(1).toInt();
        QVERIFY2(
            rows >= 20,
            qPrintable(u"only %1 usage rows after %2 successful answers"_s.arg(rows).arg(okCount)));
        QVERIFY2(errors > 0, "no usage row holds an error: the upstream errors were not recorded");
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"leaks"_s);
    m_instance = nullptr;
}

void TestSecretLeaks::crashOutput_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGSEGV") << int(SIGSEGV);
    QTest::newRow("SIGABRT") << int(SIGABRT);
}

void TestSecretLeaks::crashOutput()
{
    QFETCH(int, signal);
    Instance instance;
    m_instance = &instance;
    m_seen.clear();
    QString why;
    QVERIFY2(instance.start(configJson(), &why), qPrintable(why));
    // Keys in use, an upstream error with a quoted key in flight through the error path.
    QCOMPARE(call(u"crash: chat oai"_s, "POST", "/v1/chat/completions", {},
                  chatBody(u"oai/text"_s, false), 200)
                 .status,
             200);
    QCOMPARE(call(u"crash: messages claude"_s, "POST", "/v1/messages",
                  {{"anthropic-version"_ba, "2023-06-01"_ba}},
                  messagesBody(u"claude/text"_s, false), 200)
                 .status,
             200);
    fake(u"gem"_s).fake->setStickyScenario(u"echo-500"_s);
    call(u"crash: chat gem failing"_s, "POST", "/v1/chat/completions", {},
         chatBody(u"gem/text"_s, false), 0);
    fake(u"gem"_s).fake->setStickyScenario({});

    QProcess &process = instance.child->process();
    ::kill(pid_t(process.processId()), signal);
    QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, kExitTimeoutMs);
#if ONEGATE_ASAN
    // AddressSanitizer (the asan-ubsan build) takes SIGSEGV itself: it prints its report,
    // crash output searched below like the rest, and exits with 1 instead of the signal.
    if (signal == SIGSEGV) {
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY(process.exitCode() != 0);
        QVERIFY(instance.child->allStderr().contains("AddressSanitizer"));
    } else {
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    }
#else
    QCOMPARE(process.exitStatus(), QProcess::CrashExit);
#endif

    QList<QPair<QString, QByteArray>> outputs;
    const QByteArray out = instance.child->allStdout();
    const QByteArray err = instance.child->allStderr();
    // stdout holds at least the listening line, stderr the debug log.
    QVERIFY(!out.isEmpty());
    QVERIFY(!err.isEmpty());
    outputs.append({u"the crashed onegate's stdout"_s, out});
    outputs.append({u"the crashed onegate's stderr"_s, err});
    for (const Seen &seen : std::as_const(m_seen))
        outputs.append({u"the answer to '%1'"_s.arg(seen.label), seen.head + seen.body});
    for (const auto &[name, bytes] : instance.files())
        outputs.append({u"the crashed instance's file "_s + name, bytes});
    QStringList leaks;
    for (const auto &[name, bytes] : std::as_const(outputs))
        leaks += leaksIn(name, bytes);
    m_instance = nullptr;
    VERIFY_NONE(leaks, "LEAK");
}

QTEST_GUILESS_MAIN(TestSecretLeaks)
#include "tst_secret_leaks.moc"
