#pragma once

#include "config/Config.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <array>

namespace onegate {

enum class PriceKind { Input, Output, CacheRead, CacheWrite };
inline constexpr std::array kAllPriceKinds{PriceKind::Input, PriceKind::Output,
                                           PriceKind::CacheRead, PriceKind::CacheWrite};

// One id a client can ask for, as the Models page shows it. Read from the config
// document rather than the parsed Config, so that a value the parser refused (a negative
// price the user just typed) is still shown as typed until it is fixed or reverted.
struct ModelEntry {
    QString id;
    // A models[] entry with routes whose id no provider lists: it exists only as an alias
    // and can be removed here. Otherwise the id is a provider's model.
    bool isAlias = false;
    // The routes come from a models[] entry; false for a provider's model served by the
    // providers that list it (CONTRACT.md: one pool).
    bool explicitRoutes = false;
    QList<Route> routes;
    // The other aliases that reach at least one of the same provider models.
    QStringList aliases;
    bool enabled = true;
    QJsonValue contextWindow;         // undefined when not set
    std::array<QJsonValue, 4> prices; // by PriceKind; undefined when not set

    const QJsonValue &price(PriceKind kind) const { return prices[static_cast<int>(kind)]; }
};

// Reads the served models out of a config document and edits its "models" array the
// way the parser expects it (gateway/config/ConfigParser.cpp): an entry with routes is
// an alias; an entry without routes only carries enabled, context_window and prices of
// a provider's model with the same id. Edits touch nothing but "models", and an entry
// left with nothing but its id is dropped, so the file stays as small as the user's
// choices. Nothing here validates: the page hands the result to ConfigEditor::apply(),
// whose parser has the last word and the messages.
class ModelDocument final {
public:
    ModelDocument() = default;
    explicit ModelDocument(const QJsonObject &document);

    const QJsonObject &document() const { return m_document; }
    // Every id a client can ask for by name, disabled ones included: each provider's
    // models (in provider order, an id listed twice once), then the aliases.
    const QList<ModelEntry> &entries() const { return m_entries; }
    const ModelEntry *entry(const QString &id) const;
    QStringList providerIds() const;
    // The models `providerId` lists, for choosing a route's upstream model.
    QStringList providerModels(const QString &providerId) const;

    void setEnabled(const QString &id, bool enabled);
    // An undefined or null value removes the key.
    void setContextWindow(const QString &id, const QJsonValue &value);
    void setPrice(const QString &id, PriceKind kind, const QJsonValue &value);
    // Empty routes remove the entry's "routes": a provider's model is then served by the
    // providers that list it again.
    void setRoutes(const QString &id, const QList<Route> &routes);
    // A new alias reaching what `id` reaches today (its routes, copied).
    void addAlias(const QString &id, const QString &alias);
    void removeEntry(const QString &id);

    static QString priceKey(PriceKind kind);
    // Removes the models[] entries without routes whose id no provider lists any more.
    // The parser refuses those (a typo must not silently annotate nothing), so an edit
    // that takes a model away from a provider, or removes the provider, calls this to
    // let its settings (enabled, context window, prices) go with it.
    static void dropUnservedAnnotations(QJsonObject &document);

private:
    QJsonObject modelObject(const QString &id) const;
    // Replaces (or, when it holds only its id, removes) the models[] entry `id`.
    void storeModelObject(const QString &id, const QJsonObject &object);
    void rebuild();

    QJsonObject m_document;
    QList<ModelEntry> m_entries;
};

} // namespace onegate
