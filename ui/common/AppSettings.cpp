#include "common/AppSettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr auto kLanguage = "ui/language";
constexpr auto kTheme = "ui/theme";
constexpr auto kRetention = "usage/retentionDays";
constexpr auto kDataDir = "storage/dataDir";

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

// Stored as words, not enum numbers, so the file stays readable and reordering the enum
// cannot change anyone's theme.
QString themeName(AppTheme theme)
{
    switch (theme) {
    case AppTheme::Light:
        return u"light"_s;
    case AppTheme::Dark:
        return u"dark"_s;
    case AppTheme::System:
        break;
    }
    return u"system"_s;
}

} // namespace

QString AppSettings::language() const
{
    return QSettings().value(key(kLanguage)).toString();
}

void AppSettings::setLanguage(const QString &locale)
{
    QSettings().setValue(key(kLanguage), locale);
}

AppTheme AppSettings::theme() const
{
    const QString name = QSettings().value(key(kTheme)).toString();
    if (name == themeName(AppTheme::Light))
        return AppTheme::Light;
    if (name == themeName(AppTheme::Dark))
        return AppTheme::Dark;
    return AppTheme::System;
}

void AppSettings::setTheme(AppTheme theme)
{
    QSettings().setValue(key(kTheme), themeName(theme));
}

int AppSettings::usageRetentionDays() const
{
    const int days = QSettings().value(key(kRetention), 0).toInt();
    return qBound(0, days, kMaxUsageRetentionDays);
}

void AppSettings::setUsageRetentionDays(int days)
{
    QSettings().setValue(key(kRetention), qBound(0, days, kMaxUsageRetentionDays));
}

QString AppSettings::dataDirOverride() const
{
    return QSettings().value(key(kDataDir)).toString();
}

void AppSettings::setDataDirOverride(const QString &path)
{
    QSettings settings;
    if (path.isEmpty())
        settings.remove(key(kDataDir));
    else
        settings.setValue(key(kDataDir), path);
}

} // namespace onegate
