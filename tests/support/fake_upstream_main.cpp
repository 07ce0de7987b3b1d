// fake_upstream: the FakeUpstream test server as a process, for tests that drive OneGate
// from outside (the Node SDK test, process-level checks).
//
//   fake_upstream [--kind openai|anthropic|gemini|ollama|azure] [--port N] [--key KEY]
//                 [--log-requests]
//
// Prints `fake_upstream listening on http://127.0.0.1:PORT` once bound, then one line
// `aborted` for every client abort; exits 0 on SIGTERM or SIGINT. With --log-requests it
// also prints `request METHOD TARGET model=MODEL` for every request it parsed (TARGET as
// sent, query included; MODEL from the JSON body, empty when there is none), so a test
// driving a real client sees what reached the provider. The scenario table is
// in FakeUpstream.h. Lines on stdin steer it while it runs (a test's "the provider starts
// failing now"), each answered with `ok` on stdout:
//   script S1 S2 ...   the next POSTs answer these scenarios in order (the dialect's, or
//                      the generic echo-<status>, echo-stream, redirect-<port>)
//   fail SCENARIO      every POST answers SCENARIO from now on
//   fail off           back to the scenario the model name asks for

#include "FakeUpstream.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QStringList>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

// Only async-signal-safe work here: the event loop picks the byte up and quits.
void onTerminationSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
}

bool installSignalHandlers()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return false;
    struct sigaction action{};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGTERM, &action, nullptr) == 0 && ::sigaction(SIGINT, &action, nullptr) == 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fake_upstream"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Fake model provider replaying recorded fixtures"));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("TCP port (0 = any free port)"),
                                        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption keyOption(QStringLiteral("key"),
                                       QStringLiteral("require Authorization: Bearer KEY"),
                                       QStringLiteral("KEY"));
    const QCommandLineOption kindOption(QStringLiteral("kind"),
                                        QStringLiteral("provider wire format: openai (default), anthropic, gemini, ollama, azure"),
                                        QStringLiteral("KIND"), QStringLiteral("openai"));
    const QCommandLineOption logOption(QStringLiteral("log-requests"),
                                       QStringLiteral("print one line per request received"));
    parser.addOption(kindOption);
    parser.addOption(portOption);
    parser.addOption(keyOption);
    parser.addOption(logOption);
    parser.process(app);

    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!portOk || port > 65535) {
        std::fprintf(stderr, "fake_upstream: --port must be 0..65535\n");
        return 2;
    }
    if (!installSignalHandlers()) {
        std::fprintf(stderr, "fake_upstream: cannot install signal handlers\n");
        return 1;
    }
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [] {
        char byte = 0;
        [[maybe_unused]] const ssize_t got = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });

    auto dialect = onegate::test::makeFakeDialect(parser.value(kindOption));
    if (!dialect) {
        std::fprintf(stderr, "fake_upstream: unknown --kind %s\n", qUtf8Printable(parser.value(kindOption)));
        return 2;
    }
    onegate::test::FakeUpstream fake(std::move(dialect), parser.value(keyOption).toUtf8());
    if (!fake.listen(quint16(port))) {
        std::fprintf(stderr, "fake_upstream: %s\n", qUtf8Printable(fake.errorString()));
        return 1;
    }
    QObject::connect(&fake, &onegate::test::FakeUpstream::clientAborted, &app, [] {
        std::fputs("aborted\n", stdout);
        std::fflush(stdout);
    });
    if (parser.isSet(logOption)) {
        QObject::connect(&fake, &onegate::test::FakeUpstream::requestReceived, &app, [&fake](int index) {
            const onegate::test::RecordedRequest &request = fake.requests().at(index);
            std::printf("request %s %s model=%s\n", request.method.constData(), request.path.constData(),
                        qUtf8Printable(request.body.value(QStringLiteral("model")).toString()));
            std::fflush(stdout);
        });
    }
    QSocketNotifier control(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray pending;
    QObject::connect(&control, &QSocketNotifier::activated, &app, [&fake, &pending, &control] {
        char buffer[512];
        const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (got <= 0) {
            control.setEnabled(false);  // stdin closed or not a pipe: nothing more to steer
            return;
        }
        pending.append(buffer, got);
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QStringList words = QString::fromUtf8(pending.left(newline)).simplified().split(u' ', Qt::SkipEmptyParts);
            pending.remove(0, newline + 1);
            if (words.value(0) == QLatin1String("script"))
                fake.appendScript(words.mid(1));
            else if (words.value(0) == QLatin1String("fail"))
                fake.setStickyScenario(words.value(1) == QLatin1String("off") ? QString() : words.value(1));
            else
                continue;
            std::fputs("ok\n", stdout);
            std::fflush(stdout);
        }
    });
    std::printf("fake_upstream listening on http://127.0.0.1:%u\n", unsigned(fake.port()));
    std::fflush(stdout);
    return QCoreApplication::exec();
}
