#include "SecretReference.h"

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

bool isEnvironmentName(QStringView name)
{
    if (name.isEmpty() || (name.front() >= u'0' && name.front() <= u'9'))
        return false;
    for (const QChar c : name) {
        const bool ok = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z')
                        || (c >= u'0' && c <= u'9') || c == u'_';
        if (!ok)
            return false;
    }
    return true;
}

SecretReference invalid(const QString &problem)
{
    SecretReference reference;
    reference.problem = problem;
    return reference;
}

} // namespace

QString SecretReference::describe() const
{
    switch (source) {
    case Source::Environment: return u"environment variable "_s + name;
    case Source::Keychain: return u"keychain entry "_s + name;
    case Source::Invalid: break;
    }
    return u"invalid secret reference"_s;
}

SecretReference SecretReference::parse(const QString &text)
{
    const auto envPrefix = "env:"_L1;
    const auto keychainPrefix = "keychain:"_L1;
    if (text.startsWith(envPrefix)) {
        const QString name = text.mid(envPrefix.size());
        if (!isEnvironmentName(name)) {
            return invalid(u"env: needs a variable name made of letters, digits and '_' "
                           u"that does not start with a digit"_s);
        }
        return {Source::Environment, name, {}};
    }
    if (text.startsWith(keychainPrefix)) {
        const QString name = text.mid(keychainPrefix.size());
        if (name.isEmpty())
            return invalid(u"keychain: needs an entry name, e.g. keychain:provider/openai"_s);
        return {Source::Keychain, name, {}};
    }
    if (text.isEmpty())
        return invalid(u"expected a secret reference: env:NAME or keychain:NAME"_s);
    return invalid(u"literal secrets are refused: store the secret in the keychain or the "
                   u"environment and write keychain:NAME or env:NAME here"_s);
}

} // namespace onegate
