#include "ConfigParser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

ConfigResult fileError(const QFileInfo &info, const QString &message)
{
    return {std::nullopt, {info.fileName(), {}, message}};
}

// Returns an error sentence, empty on success. QSaveFile makes a crash mid-write leave
// either no file or a whole one; owner-only because the file says which keychain entries
// and variables hold the keys.
QString writeDefault(const QFileInfo &info)
{
    if (!QDir().mkpath(info.absolutePath()))
        return u"cannot create the folder %1"_s.arg(QDir::toNativeSeparators(info.absolutePath()));
    QSaveFile file(info.absoluteFilePath());
    if (!file.open(QIODevice::WriteOnly))
        return u"cannot create the default config: "_s + file.errorString();
    const QByteArray json = defaultConfigJson();
    if (file.write(json) != json.size()
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || !file.commit())
        return u"cannot write the default config: "_s + file.errorString();
    return {};
}

} // namespace

QByteArray defaultConfigJson()
{
    // Written by hand rather than through QJsonDocument, which would sort the keys and
    // put access_keys before listen.
    return R"({
    "listen": "127.0.0.1:4141",
    "auth": {
        "required": true
    },
    "access_keys": [],
    "providers": [],
    "models": []
}
)"_ba;
}

ConfigResult loadConfigFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        const QString error = writeDefault(info);
        if (!error.isEmpty())
            return fileError(info, error);
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fileError(info, u"cannot read: "_s + file.errorString());
    return parseConfig(file.readAll(), info.fileName());
}

} // namespace onegate
