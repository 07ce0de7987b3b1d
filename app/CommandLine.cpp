#include "CommandLine.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace onegate {

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "OneGate: one local OpenAI- and Anthropic-compatible endpoint for all your model providers."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the gateway only, without the GUI, in the foreground."));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Config file (default: <config dir>/onegate/config.json, created on first run)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Folder for usage.db and other state (default: <data dir>/onegate)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Listen address, overriding the config's; port 0 picks a free port."),
                                    QStringLiteral("HOST:PORT"));
    parser.addOptions({help, version, headless, config, dataDir, listen});

    CommandLine result;
    result.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        result.action = Action::Error;
        result.error = parser.errorText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.action = Action::Error;
        result.error = QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst());
        return result;
    }
    if (parser.isSet(help))
        result.action = Action::Help;
    else if (parser.isSet(version))
        result.action = Action::Version;
    result.headless = parser.isSet(headless);
    result.configFile = parser.value(config);
    result.dataDir = parser.value(dataDir);
    result.listen = parser.value(listen);
    return result;
}

} // namespace onegate
