#pragma once

#include <QCoreApplication>
#include <QString>

namespace onegate {

// Start at login through the XDG autostart spec: a desktop entry in
// $XDG_CONFIG_HOME/autostart (~/.config/autostart when unset) that session managers run
// at login. The tray menu and the Settings page both use this, so there is one file and
// one answer to "is it on?".
class Autostart final {
    Q_DECLARE_TR_FUNCTIONS(Autostart)
public:
    // The entry this app writes: <config home>/autostart/onegate.desktop.
    static QString entryPath();
    // True when our entry exists and is not switched off with Hidden=true (desktops
    // write that when the user disables an entry in their own startup settings).
    static bool isEnabled();
    // Writes the entry (atomically) so that login runs `executable`, an absolute path.
    // Returns an empty string, or what went wrong in plain language.
    static QString enable(const QString &executable = currentExecutable());
    // Removes the entry; succeeds when there is none.
    static QString disable();
    // The path that starts this program again: the AppImage itself when running from
    // one (its mount point changes every run), otherwise this binary.
    static QString currentExecutable();
    // The Exec= value for `executable`, quoted and escaped as the Desktop Entry spec
    // requires (exposed for tests).
    static QString execValue(const QString &executable);
};

} // namespace onegate
