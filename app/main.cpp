#include "CommandLine.h"
#include "DesktopApp.h"
#include "common/AppSettings.h"
#include "HeadlessApp.h"
#include "LogHygiene.h"
#include "SignalWatcher.h"

#include <QApplication>
#include <QCoreApplication>
#include <QStandardPaths>

#include <cstdio>
#include <memory>

namespace {

QStringList argumentsOf(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

// A desktop session has a display; a server or an SSH login does not, and then the
// gateway alone is what the user can have.
bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

void describeApplication()
{
    // No organization: config and data live in ~/.config/onegate and ~/.local/share/onegate.
    QCoreApplication::setApplicationName(QStringLiteral("onegate"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ONEGATE_VERSION));
}

} // namespace

int main(int argc, char *argv[])
{
    // Before any Qt object logs anything: no log level may print a request's key.
    onegate::installLogHygiene();
    const auto commandLine = onegate::CommandLine::parse(argumentsOf(argc, argv));
    switch (commandLine.action) {
    case onegate::CommandLine::Action::Error:
        std::fprintf(stderr, "onegate: %s\nTry 'onegate --help'.\n", qUtf8Printable(commandLine.error));
        return 2;
    case onegate::CommandLine::Action::Help:
        std::printf("%s", qUtf8Printable(commandLine.helpText));
        return 0;
    case onegate::CommandLine::Action::Version:
        std::printf("onegate %s\n", ONEGATE_VERSION);
        return 0;
    case onegate::CommandLine::Action::Run:
        break;
    }

    if (commandLine.headless || !hasDisplay()) {
        QCoreApplication app(argc, argv);
        describeApplication();
        if (!commandLine.headless)
            std::fprintf(stderr, "onegate: no display found; running the gateway headless "
                                 "(pass --headless to skip this note)\n");
        return onegate::runHeadless(commandLine);
    }

    QApplication app(argc, argv);
    describeApplication();
    // A session logout or `kill` ends the app cleanly: the event loop returns and the
    // desktop shell stops the gateway and flushes usage on its way out.
    onegate::SignalWatcher signals;
    QObject::connect(&signals, &onegate::SignalWatcher::terminationRequested, &app, [] { QApplication::quit(); });
    QApplication::setApplicationDisplayName(QStringLiteral("OneGate"));
    QApplication::setDesktopFileName(QStringLiteral("onegate"));
    onegate::DesktopOptions options;
    options.configPath = commandLine.configFile.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/config.json")
        : commandLine.configFile;
    // --data-dir wins, then the folder chosen on the Settings page, then the default.
    const QString chosenDataDir = onegate::AppSettings().dataDirOverride();
    options.dataDir = !commandLine.dataDir.isEmpty() ? commandLine.dataDir
        : !chosenDataDir.isEmpty()                  ? chosenDataDir
                                                    : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    options.listen = commandLine.listen;
    return onegate::runDesktop(options);
}
