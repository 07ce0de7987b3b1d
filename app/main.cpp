#include "CommandLine.h"
#include "HeadlessApp.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // No organization: config and data live in ~/.config/onegate and ~/.local/share/onegate.
    QCoreApplication::setApplicationName(QStringLiteral("onegate"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ONEGATE_VERSION));

    const auto commandLine = onegate::CommandLine::parse(QCoreApplication::arguments());
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
    if (!commandLine.headless)
        std::fprintf(stderr, "onegate: this build has no desktop window yet; running the gateway headless "
                             "(pass --headless to skip this note)\n");
    return onegate::runHeadless(commandLine);
}
