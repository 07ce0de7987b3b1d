#include "ModelDocument.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

const auto kModels = "models"_L1;
const auto kRoutes = "routes"_L1;
const auto kId = "id"_L1;

QList<Route> readRoutes(const QJsonArray &array)
{
    QList<Route> routes;
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        Route route;
        route.provider = object.value("provider"_L1).toString();
        route.model = object.value("model"_L1).toString();
        route.priority = object.value("priority"_L1).toInt(0);
        route.weight = object.value("weight"_L1).toInt(1);
        routes.append(route);
    }
    return routes;
}

// Defaults are left out, as a person writing the file would.
QJsonArray writeRoutes(const QList<Route> &routes)
{
    QJsonArray array;
    for (const Route &route : routes) {
        QJsonObject object{{u"provider"_s, route.provider}, {u"model"_s, route.model}};
        if (route.priority != Route{}.priority)
            object.insert(u"priority"_s, route.priority);
        if (route.weight != Route{}.weight)
            object.insert(u"weight"_s, route.weight);
        array.append(object);
    }
    return array;
}

void readAnnotations(const QJsonObject &object, ModelEntry &entry)
{
    entry.enabled = object.value("enabled"_L1).toBool(true);
    entry.contextWindow = object.value("context_window"_L1);
    const QJsonObject prices = object.value("prices"_L1).toObject();
    for (const PriceKind kind : kAllPriceKinds)
        entry.prices[static_cast<int>(kind)] = prices.value(ModelDocument::priceKey(kind));
}

bool sharesRoute(const ModelEntry &a, const ModelEntry &b)
{
    for (const Route &x : a.routes) {
        for (const Route &y : b.routes) {
            if (x.provider == y.provider && x.model == y.model)
                return true;
        }
    }
    return false;
}

} // namespace

ModelDocument::ModelDocument(const QJsonObject &document)
    : m_document(document)
{
    rebuild();
}

QString ModelDocument::priceKey(PriceKind kind)
{
    switch (kind) {
    case PriceKind::Input:
        return u"input"_s;
    case PriceKind::Output:
        return u"output"_s;
    case PriceKind::CacheRead:
        return u"cache_read"_s;
    case PriceKind::CacheWrite:
        return u"cache_write"_s;
    }
    return {};
}

const ModelEntry *ModelDocument::entry(const QString &id) const
{
    for (const ModelEntry &entry : m_entries) {
        if (entry.id == id)
            return &entry;
    }
    return nullptr;
}

QStringList ModelDocument::providerIds() const
{
    QStringList ids;
    for (const QJsonValue &provider : m_document.value("providers"_L1).toArray())
        ids.append(provider.toObject().value(kId).toString());
    return ids;
}

QStringList ModelDocument::providerModels(const QString &providerId) const
{
    for (const QJsonValue &value : m_document.value("providers"_L1).toArray()) {
        const QJsonObject provider = value.toObject();
        if (provider.value(kId).toString() == providerId) {
            QStringList models;
            for (const QJsonValue &model : provider.value(kModels).toArray())
                models.append(model.toString());
            return models;
        }
    }
    return {};
}

void ModelDocument::rebuild()
{
    m_entries.clear();
    QHash<QString, QStringList> listedBy; // model id -> providers listing it, in order
    QStringList providerModelOrder;
    for (const QJsonValue &value : m_document.value("providers"_L1).toArray()) {
        const QJsonObject provider = value.toObject();
        const QString providerId = provider.value(kId).toString();
        for (const QJsonValue &model : provider.value(kModels).toArray()) {
            const QString id = model.toString();
            if (id.isEmpty())
                continue;
            if (!listedBy.contains(id))
                providerModelOrder.append(id);
            listedBy[id].append(providerId);
        }
    }

    // Provider models first, then aliases: an edit that gives a provider's model routes
    // of its own (or takes them away) never moves its row.
    QHash<QString, QJsonObject> byId;
    QStringList aliasOrder;
    for (const QJsonValue &value : m_document.value(kModels).toArray()) {
        const QJsonObject object = value.toObject();
        const QString id = object.value(kId).toString();
        if (id.isEmpty() || byId.contains(id))
            continue;
        byId.insert(id, object);
        if (!listedBy.contains(id) && object.contains(kRoutes))
            aliasOrder.append(id);
    }
    for (const QString &id : std::as_const(providerModelOrder)) {
        const QJsonObject object = byId.value(id);
        ModelEntry entry;
        entry.id = id;
        if (object.contains(kRoutes)) {
            entry.explicitRoutes = true;
            entry.routes = readRoutes(object.value(kRoutes).toArray());
        } else {
            for (const QString &providerId : listedBy.value(id))
                entry.routes.append({providerId, id, 0, 1});
        }
        readAnnotations(object, entry);
        m_entries.append(entry);
    }
    for (const QString &id : std::as_const(aliasOrder)) {
        const QJsonObject object = byId.value(id);
        ModelEntry entry;
        entry.id = id;
        entry.isAlias = true;
        entry.explicitRoutes = true;
        entry.routes = readRoutes(object.value(kRoutes).toArray());
        readAnnotations(object, entry);
        m_entries.append(entry);
    }

    for (ModelEntry &entry : m_entries) {
        for (const ModelEntry &other : std::as_const(m_entries)) {
            if (other.isAlias && other.id != entry.id && sharesRoute(entry, other))
                entry.aliases.append(other.id);
        }
    }
}

QJsonObject ModelDocument::modelObject(const QString &id) const
{
    for (const QJsonValue &value : m_document.value(kModels).toArray()) {
        const QJsonObject object = value.toObject();
        if (object.value(kId).toString() == id)
            return object;
    }
    return QJsonObject{{u"id"_s, id}};
}

void ModelDocument::storeModelObject(const QString &id, const QJsonObject &object)
{
    QJsonArray models = m_document.value(kModels).toArray();
    qsizetype index = -1;
    for (qsizetype i = 0; i < models.size(); ++i) {
        if (models.at(i).toObject().value(kId).toString() == id) {
            index = i;
            break;
        }
    }
    const bool onlyId = object.size() == 1 && object.contains(kId);
    if (index >= 0 && onlyId)
        models.removeAt(index);
    else if (index >= 0)
        models.replace(index, object);
    else if (!onlyId)
        models.append(object);
    m_document.insert(kModels, models);
    rebuild();
}

void ModelDocument::setEnabled(const QString &id, bool enabled)
{
    QJsonObject object = modelObject(id);
    if (enabled)
        object.remove("enabled"_L1);
    else
        object.insert(u"enabled"_s, false);
    storeModelObject(id, object);
}

void ModelDocument::setContextWindow(const QString &id, const QJsonValue &value)
{
    QJsonObject object = modelObject(id);
    if (value.isUndefined() || value.isNull())
        object.remove("context_window"_L1);
    else
        object.insert(u"context_window"_s, value);
    storeModelObject(id, object);
}

void ModelDocument::setPrice(const QString &id, PriceKind kind, const QJsonValue &value)
{
    QJsonObject object = modelObject(id);
    QJsonObject prices = object.value("prices"_L1).toObject();
    if (value.isUndefined() || value.isNull())
        prices.remove(priceKey(kind));
    else
        prices.insert(priceKey(kind), value);
    if (prices.isEmpty())
        object.remove("prices"_L1);
    else
        object.insert(u"prices"_s, prices);
    storeModelObject(id, object);
}

void ModelDocument::setRoutes(const QString &id, const QList<Route> &routes)
{
    QJsonObject object = modelObject(id);
    if (routes.isEmpty())
        object.remove(kRoutes);
    else
        object.insert(kRoutes, writeRoutes(routes));
    storeModelObject(id, object);
}

void ModelDocument::addAlias(const QString &id, const QString &alias)
{
    const ModelEntry *source = entry(id);
    if (!source)
        return;
    QJsonArray models = m_document.value(kModels).toArray();
    models.append(QJsonObject{{u"id"_s, alias}, {u"routes"_s, writeRoutes(source->routes)}});
    m_document.insert(kModels, models);
    rebuild();
}

void ModelDocument::dropUnservedAnnotations(QJsonObject &document)
{
    if (!document.contains(kModels))
        return;
    QSet<QString> listed;
    for (const QJsonValue &provider : document.value("providers"_L1).toArray()) {
        for (const QJsonValue &model : provider.toObject().value(kModels).toArray())
            listed.insert(model.toString());
    }
    QJsonArray models;
    for (const QJsonValue &value : document.value(kModels).toArray()) {
        const QJsonObject object = value.toObject();
        if (object.contains(kRoutes) || listed.contains(object.value(kId).toString()))
            models.append(value);
    }
    document.insert(kModels, models);
}

void ModelDocument::removeEntry(const QString &id)
{
    QJsonArray models = m_document.value(kModels).toArray();
    for (qsizetype i = models.size() - 1; i >= 0; --i) {
        if (models.at(i).toObject().value(kId).toString() == id)
            models.removeAt(i);
    }
    m_document.insert(kModels, models);
    rebuild();
}

} // namespace onegate
