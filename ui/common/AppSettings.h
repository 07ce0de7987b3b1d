#pragma once

#include <QString>

namespace onegate {

enum class AppTheme { System, Light, Dark };

// The window's own preferences: what is not gateway config (that lives in config.json,
// shared with --headless) and never a secret. Stored with QSettings under the
// application's organisation and name, so tests redirect it with
// QStandardPaths::setTestModeEnabled(). Each call reads or writes the store directly:
// two AppSettings objects never disagree.
class AppSettings final {
public:
    AppSettings() = default;

    // "" follows the system's language; otherwise a locale name such as "en" or "zh_CN".
    QString language() const;
    void setLanguage(const QString &locale);

    AppTheme theme() const;
    void setTheme(AppTheme theme);

    // How many days of usage rows to keep; 0 keeps them forever (the default: deleting
    // the user's history is something they ask for, never a surprise).
    int usageRetentionDays() const;
    void setUsageRetentionDays(int days);
    static constexpr int kMaxUsageRetentionDays = 3650;

    // The data folder to use from the next start on; empty means the default (or what
    // --data-dir says, which wins).
    QString dataDirOverride() const;
    void setDataDirOverride(const QString &path);
};

} // namespace onegate
