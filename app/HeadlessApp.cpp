#include "HeadlessApp.h"

#include "GatewayService.h"
#include "SignalWatcher.h"
#include "config/ConfigParser.h"
#include "secrets/KeychainSecretStore.h"
#include "usage/UsageRecorder.h"

#include <QCoreApplication>
#include <QDir>
#include <QHostAddress>
#include <QStandardPaths>

#include <cstdio>

namespace onegate {

namespace {

// Requests still running this long after SIGTERM are cancelled; with the usage flush
// the process is gone within CONTRACT.md's 5 s.
constexpr int kShutdownGraceMs = 3500;

void printErr(const QString &line)
{
    std::fprintf(stderr, "onegate: %s\n", qUtf8Printable(line));
    std::fflush(stderr);
}

QString urlHost(const QString &host)
{
    return QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + host + QLatin1Char(']')
        : host;
}

} // namespace

int runHeadless(const CommandLine &commandLine)
{
    const QString configPath = commandLine.configFile.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/config.json")
        : commandLine.configFile;
    ConfigResult loaded = loadConfigFile(configPath);
    if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", qUtf8Printable(loaded.error.toString()));
        return 2;
    }
    Config config = std::move(*loaded.config);
    if (!commandLine.listen.isEmpty()) {
        if (const auto error = overrideListen(config, commandLine.listen)) {
            std::fprintf(stderr, "%s\n", qUtf8Printable(error->toString()));
            return 2;
        }
    }
    KeychainSecretStore keychain;
    for (const QString &warning : resolveSecrets(config, keychain))
        printErr(QStringLiteral("warning: %1").arg(warning));
    if (config.authRequired && config.accessKeys.isEmpty())
        printErr(QStringLiteral("no access keys are configured, so every API request is refused: add one "
                                "to \"access_keys\" in %1 (see README)").arg(configPath));

    const QString dataDir = commandLine.dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        : commandLine.dataDir;
    UsageRecorder usage;
    const QString usageError = usage.open(QDir(dataDir).filePath(QStringLiteral("usage.db")));
    if (!usageError.isEmpty()) {
        printErr(QStringLiteral("cannot open usage database: %1").arg(usageError));
        return 1;
    }

    auto snapshot = std::make_shared<const Config>(std::move(config));
    GatewayService gateway;
    const ListenResult listening = gateway.start(snapshot, &usage);
    if (!listening.ok()) {
        printErr(listening.error);
        return listening.addressInUse ? 3 : 1;
    }
    // Handlers first: whoever reads the line below may send SIGTERM at once, and the
    // default action would kill the process without the graceful stop.
    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &gateway,
                     [&gateway] { gateway.shutdown(kShutdownGraceMs); });
    QObject::connect(&gateway, &GatewayService::stopped, QCoreApplication::instance(),
                     [] { QCoreApplication::exit(0); });

    std::printf("onegate listening on http://%s:%u\n", qUtf8Printable(urlHost(snapshot->listenHost)),
                unsigned(listening.port));
    // The Ollama-compatible surface is an extra: when its port is taken the API still runs.
    const OllamaListenResult &ollama = gateway.ollamaAtStart();
    if (!ollama.error.isEmpty())
        printErr(QStringLiteral("warning: %1").arg(ollama.error));
    else if (ollama.port != 0)
        std::printf("onegate Ollama-compatible API on http://%s:%u\n", qUtf8Printable(urlHost(snapshot->ollama.host)),
                    unsigned(ollama.port));
    std::fflush(stdout);

    const int code = QCoreApplication::exec();
    usage.stop();
    return code;
}

} // namespace onegate
