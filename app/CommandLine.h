#pragma once

#include <QString>
#include <QStringList>

namespace onegate {

// The command line of CONTRACT.md section 1.
struct CommandLine {
    enum class Action { Run, Version, Help, Error };
    Action action = Action::Run;
    bool headless = false;
    QString configFile;  // empty: <AppConfigLocation>/config.json
    QString dataDir;     // empty: <AppDataLocation>
    QString listen;      // empty: the config's
    QString error;       // for Action::Error
    QString helpText;

    static CommandLine parse(const QStringList &arguments);
};

} // namespace onegate
