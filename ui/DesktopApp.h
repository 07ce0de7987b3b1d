#pragma once

#include <QString>

namespace onegate {

struct DesktopOptions {
    QString configPath;
    QString dataDir;
    QString listen;  // --listen override for this run, empty for the config's
};

// The desktop composition root: single instance, keychain, config editor, usage log,
// the gateway on its own thread, the main window with its pages, and the tray. Returns
// the process exit code.
int runDesktop(const DesktopOptions &options);

} // namespace onegate
