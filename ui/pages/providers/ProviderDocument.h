#pragma once

#include "ProviderDraft.h"
#include "common/KeychainWriter.h"

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace onegate {

// What saving or removing a provider does: the document to apply, the secrets to store
// in the keychain before it is applied, and the keychain entries nothing refers to any
// more once it is.
struct ProviderChange {
    QJsonObject next;
    QList<KeychainWriter::Entry> secretsToStore;
    QStringList entriesToRemove;
};

// The Providers page's edits of a config document (a copy of ConfigEditor::document()),
// kept apart from the window so that the rules live in one place: where a new key is
// stored ("keychain:provider/<id>", then provider/<id>/2, /3 ...), what a removal takes
// with it, and which keychain entries become unused. Nothing here validates: the config
// parser does that when the page applies the result.
class ProviderDocument final {
public:
    explicit ProviderDocument(QJsonObject document)
        : m_document(std::move(document))
    {
    }

    QStringList providerIds() const;
    // The providers[] entry with that id; empty when there is none.
    QJsonObject provider(const QString &id) const;
    // `wanted` if no provider has it yet, else wanted-2, wanted-3 ...
    QString uniqueId(const QString &wanted) const;
    // The models[] ids with at least one route to provider `id`.
    QStringList aliasesRoutingTo(const QString &id) const;
    // Every keychain entry the document refers to (providers and access keys).
    QSet<QString> keychainEntries() const;

    // The entry with that id as the edit dialog shows it (keys without masked forms).
    ProviderDraft draftOf(const QString &id) const;

    // Adds the provider (`isNew`) or replaces the entry with the draft's id, keeping the
    // fields the dialog does not show (timeouts, headers). New secrets get free keychain
    // names under provider/<id>.
    ProviderChange save(const ProviderDraft &draft, bool isNew) const;
    // Removes the provider, the models[] routes to it, and the models[] entries left
    // without any route by that.
    ProviderChange remove(const QString &id) const;
    // Sets the models the provider serves under their own ids.
    ProviderChange setModels(const QString &id, const QStringList &models) const;

    // The references in a providers[] entry's api_key, one or several.
    static QStringList keyReferences(const QJsonObject &provider);

private:
    int indexOf(const QString &id) const;
    ProviderChange changeTo(QJsonObject next) const;

    QJsonObject m_document;
};

} // namespace onegate
