#include "common/Autostart.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

QString configHome()
{
    // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
    const QString fromEnv = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (!fromEnv.isEmpty() && QDir::isAbsolutePath(fromEnv))
        return fromEnv;
    return QDir::homePath() + u"/.config"_s;
}

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

} // namespace

QString Autostart::entryPath()
{
    return configHome() + u"/autostart/onegate.desktop"_s;
}

bool Autostart::isEnabled()
{
    QFile file(entryPath());
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.startsWith("Hidden") && line.endsWith("true") &&
            line.mid(6).trimmed().startsWith('='))
            return false;
    }
    return true;
}

QString Autostart::execValue(const QString &executable)
{
    // Desktop Entry spec, "The Exec key": an argument with a reserved character is
    // double-quoted, and inside the quotes ", `, $ and \ take a backslash. A literal %
    // is written %%. The whole value is then a string value, whose own escaping turns
    // every backslash into two.
    static const QString reserved = uR"( 	"'\><~|&;$*?#()`)"_s;
    static const QString escapedInQuotes = uR"("`$\)"_s;
    bool quote = false;
    for (const QChar c : executable) {
        if (reserved.contains(c))
            quote = true;
    }
    QString argument;
    if (quote) {
        argument += u'"';
        for (const QChar c : executable) {
            if (escapedInQuotes.contains(c))
                argument += u'\\';
            argument += c;
        }
        argument += u'"';
    } else {
        argument = executable;
    }
    argument.replace(u'%', u"%%"_s);
    argument.replace(u'\\', uR"(\\)"_s);
    return argument;
}

QString Autostart::enable(const QString &executable)
{
    if (executable.isEmpty() || !QDir::isAbsolutePath(executable))
        return tr("The program's location is not known, so it cannot be "
                  "started at login.");
    // A line break would end the Exec line and let the rest become keys of its own.
    if (hasControlCharacter(executable))
        return tr("The program's location contains a control character "
                  "and cannot be written to a desktop entry.");
    const QString path = entryPath();
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return tr("Cannot create the folder %1.").arg(QFileInfo(path).absolutePath());

    // Name and Comment stay English in the file: the session manager shows them rarely,
    // and the installed onegate.desktop carries the translations.
    const QString entry = u"[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=OneGate\n"
                          "Comment=One local endpoint for all your model providers\n"
                          "Exec="_s +
                          execValue(executable) +
                          u"\n"
                          "Icon=onegate\n"
                          "Terminal=false\n"
                          "X-GNOME-Autostart-enabled=true\n"_s;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(entry.toUtf8()) < 0 ||
        !file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

QString Autostart::disable()
{
    QFile file(entryPath());
    if (!file.exists() || file.remove())
        return {};
    return tr("Cannot remove %1: %2").arg(file.fileName(), file.errorString());
}

QString Autostart::currentExecutable()
{
    const QString appImage = qEnvironmentVariable("APPIMAGE");
    if (!appImage.isEmpty() && QDir::isAbsolutePath(appImage))
        return appImage;
    return QCoreApplication::applicationFilePath();
}

} // namespace onegate
