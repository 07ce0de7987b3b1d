#include "ConfigParser.h"

#include "secrets/SecretReference.h"
#include "secrets/SecretStore.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

bool hasControlByte(const QByteArray &value)
{
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            return true;
    }
    return false;
}

// Resolves references for one resolveSecrets() call. Keychain answers are kept for the
// call, so an entry shared by several providers asks the keychain (and the user, if it
// is locked) only once.
class SecretResolver final {
public:
    explicit SecretResolver(SecretStore &store) : m_store(store) {}

    void resolve(SecretValue &secret, const QString &path, QStringList &warnings)
    {
        const SecretReadResult result = lookup(secret.reference);
        secret.value = result.value;
        secret.problem = result.error;
        if (!result.ok())
            warnings.append(path + u": "_s + result.error);
    }

private:
    SecretReadResult lookup(const QString &text)
    {
        const SecretReference reference = SecretReference::parse(text);
        SecretReadResult result;
        switch (reference.source) {
        case SecretReference::Source::Invalid: return {{}, reference.problem};
        case SecretReference::Source::Environment:
            if (!qEnvironmentVariableIsSet(qPrintable(reference.name)))
                return {{}, reference.describe() + u" is not set"_s};
            result.value = qEnvironmentVariable(qPrintable(reference.name)).toUtf8();
            break;
        case SecretReference::Source::Keychain:
            result = readKeychain(reference.name);
            if (!result.ok())
                return result;
            break;
        }
        return checked(reference, result.value.trimmed());
    }

    static SecretReadResult checked(const SecretReference &reference, const QByteArray &value)
    {
        if (value.isEmpty())
            return {{}, reference.describe() + u" is empty"_s};
        if (hasControlByte(value))
            return {{}, reference.describe()
                            + u" contains a line break or other control character"_s};
        return {value, {}};
    }

    SecretReadResult readKeychain(const QString &name)
    {
        const auto cached = m_keychainAnswers.constFind(name);
        if (cached != m_keychainAnswers.constEnd())
            return *cached;
        const SecretReadResult result = m_store.read(name);
        m_keychainAnswers.insert(name, result);
        return result;
    }

    SecretStore &m_store;
    QHash<QString, SecretReadResult> m_keychainAnswers;
};

QString apiKeyPath(qsizetype provider, qsizetype key, qsizetype keyCount)
{
    const QString path = u"providers[%1].api_key"_s.arg(provider);
    // A single reference is written as a plain string, so it gets no index.
    return keyCount == 1 ? path : path + u"[%1]"_s.arg(key);
}

} // namespace

QStringList resolveSecrets(Config &config, SecretStore &store)
{
    SecretResolver resolver(store);
    QStringList warnings;
    for (qsizetype i = 0; i < config.accessKeys.size(); ++i)
        resolver.resolve(config.accessKeys[i].key, u"access_keys[%1].key"_s.arg(i), warnings);
    for (qsizetype i = 0; i < config.providers.size(); ++i) {
        QList<SecretValue> &keys = config.providers[i].apiKeys;
        for (qsizetype k = 0; k < keys.size(); ++k)
            resolver.resolve(keys[k], apiKeyPath(i, k, keys.size()), warnings);
    }
    return warnings;
}

} // namespace onegate
