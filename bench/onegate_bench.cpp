// Measures what OneGate adds on top of calling a provider directly: latency at one
// connection, throughput and CPU per request at many, time to a stream's first byte,
// and memory. Starts `fake_upstream` and `onegate --headless` itself; all traffic stays
// on 127.0.0.1. Prints a table; asserts nothing.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <unistd.h>
#include <vector>

namespace {

const QByteArray kKey = QByteArrayLiteral("sk-test-bench-key");

struct Target {
    quint16 port = 0;
    QByteArray path;
    QByteArray auth;
};

// One keep-alive HTTP/1.1 connection with blocking I/O: the client must cost as little
// as possible so the numbers are the server's.
class Client {
public:
    explicit Client(const Target &target)
        : m_target(target)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), target.port);
        m_socket.waitForConnected(5000);
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    }

    // Sends one request and reads until the full response is in. Returns the time to
    // the first response byte in `firstByteUs`.
    bool request(const QByteArray &body, qint64 *firstByteUs = nullptr)
    {
        QByteArray head = "POST " + m_target.path + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + QByteArray::number(m_target.port) + "\r\nContent-Type: application/json\r\n" + m_target.auth
            + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
        QElapsedTimer clock;
        clock.start();
        m_socket.write(head + body);
        m_buffer.clear();
        bool first = true;
        while (true) {
            if (!m_socket.waitForReadyRead(30000))
                return false;
            if (first && firstByteUs) {
                *firstByteUs = clock.nsecsElapsed() / 1000;
                first = false;
            }
            m_buffer += m_socket.readAll();
            if (complete())
                return true;
        }
    }

private:
    bool complete() const
    {
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return false;
        const QByteArray headers = m_buffer.left(headerEnd).toLower();
        if (headers.contains("transfer-encoding: chunked"))
            return m_buffer.endsWith("0\r\n\r\n");
        static const QRegularExpression length(QStringLiteral("content-length: *(\\d+)"));
        const auto match = length.match(QString::fromLatin1(headers));
        return match.hasMatch() && m_buffer.size() - headerEnd - 4 >= match.captured(1).toLongLong();
    }

    Target m_target;
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

struct Stats {
    double p50 = 0, p99 = 0, mean = 0;
};

Stats stats(std::vector<qint64> samples)
{
    Stats s;
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    s.p50 = double(samples[samples.size() / 2]) / 1000.0;
    s.p99 = double(samples[std::min(samples.size() - 1, samples.size() * 99 / 100)]) / 1000.0;
    double sum = 0;
    for (qint64 v : samples)
        sum += double(v);
    s.mean = sum / double(samples.size()) / 1000.0;
    return s;
}

std::vector<qint64> latencies(const Target &target, const QByteArray &body, int count, bool firstByte)
{
    Client client(target);
    std::vector<qint64> samples;
    for (int i = 0; i < count + 50; ++i) {
        QElapsedTimer clock;
        clock.start();
        qint64 ttfb = 0;
        if (!client.request(body, &ttfb)) {
            std::fprintf(stderr, "request failed\n");
            break;
        }
        if (i >= 50)  // warm-up
            samples.push_back(firstByte ? ttfb : clock.nsecsElapsed() / 1000);
    }
    return samples;
}

double throughput(const Target &target, const QByteArray &body, int connections, int seconds)
{
    std::atomic<qint64> done{0};
    std::atomic<bool> stop{false};
    std::vector<QThread *> threads;
    for (int c = 0; c < connections; ++c) {
        threads.push_back(QThread::create([&] {
            Client client(target);
            while (!stop.load()) {
                if (!client.request(body))
                    return;
                ++done;
            }
        }));
        threads.back()->start();
    }
    QThread::sleep(1);  // warm-up
    const qint64 before = done.load();
    QElapsedTimer clock;
    clock.start();
    QThread::sleep(seconds);
    const qint64 after = done.load();
    const double elapsed = double(clock.elapsed()) / 1000.0;
    stop = true;
    for (QThread *thread : threads) {
        thread->wait();
        delete thread;
    }
    return double(after - before) / elapsed;
}

qint64 cpuMicros(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = file.readAll().split(' ');
    const long ticks = sysconf(_SC_CLK_TCK);
    return (fields.value(13).toLongLong() + fields.value(14).toLongLong()) * 1000000 / ticks;
}

qint64 statusKb(qint64 pid, const char *field)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

quint16 startAndWait(QProcess &process, const QString &program, const QStringList &args)
{
    process.setProgram(program);
    process.setArguments(args);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start();
    static const QRegularExpression listening(QStringLiteral("listening on http://[^:]+:(\\d+)"));
    QByteArray out;
    while (process.waitForReadyRead(5000)) {
        out += process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch())
            return quint16(match.captured(1).toUInt());
    }
    std::fprintf(stderr, "%s did not start: %s\n", qPrintable(program), process.readAllStandardError().constData());
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption requests(QStringLiteral("requests"), QStringLiteral("Requests per latency run."),
                                      QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption connections(QStringLiteral("connections"), QStringLiteral("Concurrent connections."),
                                         QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Seconds per throughput run."),
                                     QStringLiteral("N"), QStringLiteral("5"));
#ifdef ONEGATE_BIN
    const QString onegateDefault = QStringLiteral(ONEGATE_BIN);
    const QString fakeDefault = QStringLiteral(FAKE_UPSTREAM_BIN);
#else
    const QString onegateDefault, fakeDefault;
#endif
    const QCommandLineOption onegate(QStringLiteral("onegate"), QStringLiteral("onegate binary."),
                                     QStringLiteral("PATH"), onegateDefault);
    const QCommandLineOption fake(QStringLiteral("fake"), QStringLiteral("fake_upstream binary."),
                                  QStringLiteral("PATH"), fakeDefault);
    parser.addOptions({requests, connections, seconds, onegate, fake});
    parser.process(app);

    QTemporaryDir dir;
    QProcess upstream;
    const quint16 fakePort = startAndWait(upstream, parser.value(fake), {QStringLiteral("--port"), QStringLiteral("0")});
    if (!fakePort)
        return 1;
    QFile config(dir.filePath(QStringLiteral("config.json")));
    config.open(QIODevice::WriteOnly);
    config.write(R"({"listen":"127.0.0.1:0","access_keys":[{"name":"bench","key":"env:ONEGATE_BENCH_KEY"}],
"providers":[{"id":"fake","kind":"openai","base_url":"http://127.0.0.1:)" + QByteArray::number(fakePort)
                 + R"(/v1","models":["text"]}]})");
    config.close();
    QProcess gateway;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ONEGATE_BENCH_KEY"), QString::fromLatin1(kKey));
    gateway.setProcessEnvironment(env);
    QElapsedTimer readyClock;
    readyClock.start();
    const quint16 gatewayPort = startAndWait(gateway, parser.value(onegate),
                                             {QStringLiteral("--headless"), QStringLiteral("--config"), config.fileName(),
                                              QStringLiteral("--data-dir"), dir.path()});
    const qint64 readyMs = readyClock.elapsed();
    if (!gatewayPort)
        return 1;
    const qint64 pid = gateway.processId();
    QThread::msleep(300);
    const qint64 idleRss = statusKb(pid, "VmRSS:");

    const QByteArray body = R"({"model":"text","messages":[{"role":"user","content":"hi"}]})";
    const QByteArray streamBody = R"({"model":"text","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    const Target direct{fakePort, "/v1/chat/completions", "Authorization: Bearer upstream\r\n"};
    const Target viaGateway{gatewayPort, "/v1/chat/completions", "Authorization: Bearer " + kKey + "\r\n"};
    const int n = parser.value(requests).toInt();

    const Stats d = stats(latencies(direct, body, n, false));
    const Stats g = stats(latencies(viaGateway, body, n, false));
    const Stats ds = stats(latencies(direct, streamBody, n / 4, true));
    const Stats gs = stats(latencies(viaGateway, streamBody, n / 4, true));

    const int c = parser.value(connections).toInt();
    const int secs = parser.value(seconds).toInt();
    const double directRps = throughput(direct, body, c, secs);
    const qint64 cpuBefore = cpuMicros(pid);
    QElapsedTimer loadClock;
    loadClock.start();
    const double gatewayRps = throughput(viaGateway, body, c, secs);
    const qint64 cpuAfter = cpuMicros(pid);
    const double requestsServed = gatewayRps * double(secs) + gatewayRps;  // incl. warm-up second
    const qint64 loadRss = statusKb(pid, "VmHWM:");

    std::printf("OneGate bench: %d sequential requests per latency run, %d connections x %d s\n", n, c, secs);
    std::printf("headless ready (port bound), from exec:      %lld ms\n", static_cast<long long>(readyMs));
    std::printf("non-stream latency, 1 connection  direct    p50 %.3f ms  p99 %.3f ms\n", d.p50, d.p99);
    std::printf("                                  onegate   p50 %.3f ms  p99 %.3f ms\n", g.p50, g.p99);
    std::printf("                                  added     p50 %.3f ms  p99 %.3f ms\n", g.p50 - d.p50, g.p99 - d.p99);
    std::printf("stream first byte, 1 connection   direct    p50 %.3f ms  p99 %.3f ms\n", ds.p50, ds.p99);
    std::printf("                                  onegate   p50 %.3f ms  p99 %.3f ms\n", gs.p50, gs.p99);
    std::printf("throughput, %d connections        direct    %.0f req/s\n", c, directRps);
    std::printf("                                  onegate   %.0f req/s\n", gatewayRps);
    std::printf("onegate CPU per request under load:         %.0f us\n",
                double(cpuAfter - cpuBefore) / std::max(1.0, requestsServed));
    std::printf("onegate RSS idle %lld MB, peak %lld MB\n", static_cast<long long>(idleRss / 1024),
                static_cast<long long>(loadRss / 1024));

    gateway.terminate();
    gateway.waitForFinished(6000);
    upstream.terminate();
    upstream.waitForFinished(3000);
    return 0;
}
