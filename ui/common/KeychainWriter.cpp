#include "KeychainWriter.h"

#include "secrets/SecretReference.h"
#include "secrets/SecretStore.h"

using namespace Qt::StringLiterals;

namespace onegate {

QString KeychainWriter::writeAll(const QList<Entry> &entries)
{
    if (!m_store)
        return unavailable();
    QStringList written;
    for (const Entry &entry : entries) {
        const QString error = m_store->write(entry.first, entry.second);
        if (!error.isEmpty()) {
            removeAll(written);
            return error;
        }
        written.append(entry.first);
    }
    return {};
}

QStringList KeychainWriter::removeAll(const QStringList &names)
{
    QStringList failures;
    for (const QString &name : names) {
        const QString error = m_store ? m_store->remove(name) : unavailable();
        if (!error.isEmpty())
            failures.append(name + u": "_s + error);
    }
    return failures;
}

QString KeychainWriter::reference(const QString &name)
{
    return u"keychain:"_s + name;
}

QString KeychainWriter::entryName(const QString &reference)
{
    const SecretReference parsed = SecretReference::parse(reference);
    return parsed.source == SecretReference::Source::Keychain ? parsed.name : QString();
}

QString KeychainWriter::explainWriteFailure(const QString &storeError)
{
    return tr("The key could not be stored in the system keychain: %1\n\n"
              "Nothing was saved: OneGate never writes keys into its config file. Start or "
              "unlock a keyring (such as GNOME Keyring or KWallet) and try again, or enter "
              "env:NAME instead of the key so that OneGate reads it from the environment "
              "variable NAME.")
        .arg(storeError);
}

QString KeychainWriter::unavailable() const
{
    return tr("no keychain is available to this window");
}

} // namespace onegate
