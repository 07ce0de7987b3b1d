#include "AccessKeyEditor.h"

#include "common/KeychainWriter.h"
#include "config/ConfigEditor.h"
#include "config/ConfigParser.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr int kKeyLength = 40;
const auto kAccessKeys = "access_keys"_L1;

qsizetype indexOfKey(const QJsonArray &keys, const QString &name)
{
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (keys.at(i).toObject().value("name"_L1).toString() == name)
            return i;
    }
    return -1;
}

QJsonArray toJson(const QStringList &strings)
{
    QJsonArray array;
    for (const QString &text : strings)
        array.append(text);
    return array;
}

// RFC 3339 in UTC, as the parser reads it; whole seconds unless the time has a fraction.
QString utcText(qint64 ms)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return at.toString(ms % 1000 == 0 ? Qt::ISODate : Qt::ISODateWithMs);
}

void setOrRemove(QJsonObject &object, const QString &key, int value)
{
    if (value > 0)
        object.insert(key, value);
    else
        object.remove(key);
}

} // namespace

AccessKeyEditor::AccessKeyEditor(ConfigEditor *config, SecretStore *secrets)
    : m_config(config)
    , m_secrets(secrets)
{
}

QByteArray AccessKeyEditor::generateKey()
{
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    constexpr quint32 kAlphabetSize = sizeof(kAlphabet) - 1;
    QByteArray key = "og-";
    QRandomGenerator *random = QRandomGenerator::system();
    for (int i = 0; i < kKeyLength; ++i)
        key.append(kAlphabet[random->bounded(kAlphabetSize)]);
    return key;
}

QString AccessKeyEditor::keychainEntry(const QString &name)
{
    return u"access/"_s + name;
}

AccessKeyEditor::Created AccessKeyEditor::create(const QString &rawName)
{
    const QString name = rawName.trimmed();
    if (name.isEmpty())
        return {{}, tr("Enter a name for the key, such as the client that will use it.")};
    QJsonObject next = m_config->document();
    QJsonArray keys = next.value(kAccessKeys).toArray();
    const QString entry = keychainEntry(name);
    const QString reference = KeychainWriter::reference(entry);
    for (const QJsonValue &value : std::as_const(keys)) {
        const QJsonObject key = value.toObject();
        // Both would overwrite a secret some key already uses.
        if (key.value("name"_L1).toString() == name)
            return {{}, tr("There is already a key named %1. Choose another name.").arg(name)};
        if (key.value("key"_L1).toString() == reference)
            return {{},
                    tr("The keychain entry %1 is already used by the key %2. Choose another "
                       "name.")
                        .arg(entry, key.value("name"_L1).toString())};
    }
    keys.append(
        QJsonObject{{u"name"_s, name}, {u"key"_s, reference}, {u"models"_s, QJsonArray{u"*"_s}}});
    next.insert(kAccessKeys, keys);

    const ConfigResult check =
        parseConfig(ConfigEditor::serialize(next), QFileInfo(m_config->path()).fileName());
    if (!check.ok())
        return {{}, check.error.toString()};

    const QByteArray key = generateKey();
    KeychainWriter writer(m_secrets);
    if (const QString error = writer.writeAll({{entry, key}}); !error.isEmpty()) {
        return {{},
                tr("The new key could not be stored in the system keychain: %1\n\nNothing "
                   "was saved. Start or unlock a keyring (such as GNOME Keyring or KWallet) "
                   "and try again.")
                    .arg(error)};
    }
    if (const auto error = m_config->apply(next)) {
        writer.removeAll({entry});
        return {{}, error->toString()};
    }
    return {key, {}};
}

QString AccessKeyEditor::revoke(const QString &name)
{
    QJsonObject next = m_config->document();
    QJsonArray keys = next.value(kAccessKeys).toArray();
    const qsizetype index = indexOfKey(keys, name);
    if (index < 0)
        return tr("There is no key named %1.").arg(name);
    const QString entry =
        KeychainWriter::entryName(keys.at(index).toObject().value("key"_L1).toString());
    keys.removeAt(index);
    next.insert(kAccessKeys, keys);
    if (const auto error = m_config->apply(next))
        return error->toString();
    if (entry.isEmpty())
        return {};
    const QStringList failures = KeychainWriter(m_secrets).removeAll({entry});
    if (!failures.isEmpty()) {
        return tr("The key %1 is revoked: OneGate no longer accepts it. Its secret could not be "
                  "removed from the system keychain, though (%2); you can delete the entry %3 "
                  "there yourself.")
            .arg(name, failures.join(u"; "_s), entry);
    }
    return {};
}

QString AccessKeyEditor::setModels(const QString &name, const QStringList &models)
{
    return editEntry(name,
                     [&models](QJsonObject &key) { key.insert(u"models"_s, toJson(models)); });
}

QString AccessKeyEditor::setLimits(const QString &name, const AccessKeyLimits &limits)
{
    return editEntry(name, [&limits](QJsonObject &key) {
        if (limits.expiresMs != 0)
            key.insert(u"expires"_s, utcText(limits.expiresMs));
        else
            key.remove(u"expires"_s);
        setOrRemove(key, u"rpm"_s, limits.rpm);
        setOrRemove(key, u"tpm"_s, limits.tpm);
        setOrRemove(key, u"max_concurrent"_s, limits.maxConcurrent);
        if (limits.monthlyBudget > 0) {
            QJsonObject budget{{u"monthly"_s, limits.monthlyBudget}};
            if (limits.warnAt != AccessKeyLimits{}.warnAt)
                budget.insert(u"warn_at"_s, limits.warnAt);
            key.insert(u"budget"_s, budget);
        } else {
            key.remove(u"budget"_s);
        }
    });
}

QString AccessKeyEditor::editEntry(const QString &name,
                                   const std::function<void(QJsonObject &)> &edit)
{
    QJsonObject next = m_config->document();
    QJsonArray keys = next.value(kAccessKeys).toArray();
    const qsizetype index = indexOfKey(keys, name);
    if (index < 0)
        return tr("There is no key named %1.").arg(name);
    QJsonObject key = keys.at(index).toObject();
    edit(key);
    keys.replace(index, key);
    next.insert(kAccessKeys, keys);
    if (const auto error = m_config->apply(next))
        return error->toString();
    return {};
}

SecretReadResult AccessKeyEditor::read(const QString &name) const
{
    const auto config = m_config->config();
    if (!config)
        return {{}, tr("the config is not loaded")};
    for (const AccessKey &key : config->accessKeys) {
        if (key.name != name)
            continue;
        const QString entry = KeychainWriter::entryName(key.key.reference);
        if (!entry.isEmpty())
            return m_secrets->read(entry);
        if (key.key.isResolved())
            return {key.key.value, {}};
        return {{}, key.key.problem};
    }
    return {{}, tr("there is no key named %1").arg(name)};
}

} // namespace onegate
