#include "ProviderDocument.h"

#include "models/ModelDocument.h"

#include <QJsonArray>
#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

const auto kProviders = "providers"_L1;
const auto kModels = "models"_L1;
const auto kRoutes = "routes"_L1;
const auto kApiKey = "api_key"_L1;

constexpr ProviderKind kKinds[] = {ProviderKind::OpenAi, ProviderKind::Azure,
                                   ProviderKind::Anthropic, ProviderKind::Gemini,
                                   ProviderKind::Ollama};

ProviderKind kindNamed(const QString &name)
{
    for (const ProviderKind kind : kKinds) {
        if (providerKindName(kind) == name)
            return kind;
    }
    return ProviderKind::OpenAi;
}

QJsonArray toArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &item : list)
        array.append(item);
    return array;
}

QStringList toStrings(const QJsonValue &value)
{
    QStringList strings;
    for (const QJsonValue &item : value.toArray())
        strings.append(item.toString());
    return strings;
}

// The user may type "http://proxy:3128" into the host:port field as well as "proxy:3128".
QString proxyHostPort(const QString &address)
{
    QString text = address.trimmed();
    const qsizetype scheme = text.indexOf("://"_L1);
    if (scheme >= 0)
        text = text.mid(scheme + 3);
    while (text.endsWith(u'/'))
        text.chop(1);
    return text;
}

void setOrRemove(QJsonObject &object, QLatin1StringView key, const QJsonValue &value, bool keep)
{
    if (keep)
        object.insert(key, value);
    else
        object.remove(key);
}

} // namespace

QStringList ProviderDocument::providerIds() const
{
    QStringList ids;
    for (const QJsonValue &entry : m_document.value(kProviders).toArray())
        ids.append(entry.toObject().value("id"_L1).toString());
    return ids;
}

int ProviderDocument::indexOf(const QString &id) const
{
    return int(providerIds().indexOf(id));
}

QJsonObject ProviderDocument::provider(const QString &id) const
{
    const int index = indexOf(id);
    return index < 0 ? QJsonObject() : m_document.value(kProviders).toArray().at(index).toObject();
}

QString ProviderDocument::uniqueId(const QString &wanted) const
{
    const QStringList taken = providerIds();
    QString id = wanted;
    for (int suffix = 2; taken.contains(id); ++suffix)
        id = wanted + u'-' + QString::number(suffix);
    return id;
}

QStringList ProviderDocument::aliasesRoutingTo(const QString &id) const
{
    QStringList aliases;
    for (const QJsonValue &entry : m_document.value(kModels).toArray()) {
        const QJsonObject model = entry.toObject();
        for (const QJsonValue &route : model.value(kRoutes).toArray()) {
            if (route.toObject().value("provider"_L1).toString() == id) {
                aliases.append(model.value("id"_L1).toString());
                break;
            }
        }
    }
    return aliases;
}

QStringList ProviderDocument::keyReferences(const QJsonObject &provider)
{
    const QJsonValue value = provider.value(kApiKey);
    if (value.isString())
        return {value.toString()};
    return toStrings(value);
}

QSet<QString> ProviderDocument::keychainEntries() const
{
    QSet<QString> entries;
    auto add = [&entries](const QString &reference) {
        const QString name = KeychainWriter::entryName(reference);
        if (!name.isEmpty())
            entries.insert(name);
    };
    for (const QJsonValue &entry : m_document.value(kProviders).toArray()) {
        for (const QString &reference : keyReferences(entry.toObject()))
            add(reference);
    }
    for (const QJsonValue &entry : m_document.value("access_keys"_L1).toArray())
        add(entry.toObject().value("key"_L1).toString());
    return entries;
}

ProviderDraft ProviderDocument::draftOf(const QString &id) const
{
    const QJsonObject object = provider(id);
    ProviderDraft draft;
    draft.id = object.value("id"_L1).toString();
    draft.kind = kindNamed(object.value("kind"_L1).toString());
    draft.baseUrl = object.value("base_url"_L1).toString();
    for (const QString &reference : keyReferences(object))
        draft.keys.append({reference, {}, {}, {}});
    draft.models = toStrings(object.value(kModels));
    const QString proxy = object.value("proxy"_L1).toString();
    if (proxy == "none"_L1) {
        draft.proxy = ProxyChoice::None;
    } else if (proxy.startsWith("http://"_L1)) {
        draft.proxy = ProxyChoice::Http;
        draft.proxyAddress = proxyHostPort(proxy);
    } else if (proxy.startsWith("socks5://"_L1)) {
        draft.proxy = ProxyChoice::Socks5;
        draft.proxyAddress = proxyHostPort(proxy);
    }
    draft.apiVersion = object.value("api_version"_L1).toString();
    return draft;
}

ProviderChange ProviderDocument::save(const ProviderDraft &draft, bool isNew) const
{
    QJsonArray providers = m_document.value(kProviders).toArray();
    const int index = isNew ? -1 : indexOf(draft.id);
    QJsonObject object = index < 0 ? QJsonObject() : providers.at(index).toObject();

    object.insert("id"_L1, draft.id);
    object.insert("kind"_L1, providerKindName(draft.kind));
    object.insert("base_url"_L1, draft.baseUrl.trimmed());

    // A new secret gets the first free name, never one the current document still uses:
    // the old entry must stay intact until the new config has been applied.
    const QSet<QString> used = keychainEntries();
    QSet<QString> allocated;
    auto freeName = [&] {
        const QString base = u"provider/"_s + draft.id;
        QString name = base;
        for (int n = 2; used.contains(name) || allocated.contains(name); ++n)
            name = base + u'/' + QString::number(n);
        allocated.insert(name);
        return name;
    };
    QStringList references;
    QList<KeychainWriter::Entry> secrets;
    for (const DraftKey &key : draft.keys) {
        if (!key.isNew()) {
            references.append(key.reference);
            continue;
        }
        const QString name = freeName();
        secrets.append({name, key.secret});
        references.append(KeychainWriter::reference(name));
    }
    // One reference is written as a string, as people write it by hand.
    const QJsonValue apiKey = references.size() == 1 ? QJsonValue(references.constFirst())
                                                     : QJsonValue(toArray(references));
    setOrRemove(object, kApiKey, apiKey, !references.isEmpty());
    setOrRemove(object, kModels, toArray(draft.models), !draft.models.isEmpty());

    switch (draft.proxy) {
    case ProxyChoice::System:
        object.remove("proxy"_L1);
        break;
    case ProxyChoice::None:
        object.insert("proxy"_L1, u"none"_s);
        break;
    case ProxyChoice::Http:
        object.insert("proxy"_L1, QString(u"http://"_s + proxyHostPort(draft.proxyAddress)));
        break;
    case ProxyChoice::Socks5:
        object.insert("proxy"_L1, QString(u"socks5://"_s + proxyHostPort(draft.proxyAddress)));
        break;
    }
    const QString apiVersion = draft.apiVersion.trimmed();
    setOrRemove(object, "api_version"_L1, apiVersion,
                draft.kind == ProviderKind::Azure && !apiVersion.isEmpty());

    if (index < 0)
        providers.append(object);
    else
        providers.replace(index, object);
    QJsonObject next = m_document;
    next.insert(kProviders, providers);
    ProviderChange change = changeTo(next);
    change.secretsToStore = secrets;
    return change;
}

ProviderChange ProviderDocument::remove(const QString &id) const
{
    QJsonObject next = m_document;
    QJsonArray providers = next.value(kProviders).toArray();
    const int index = indexOf(id);
    if (index >= 0)
        providers.removeAt(index);
    next.insert(kProviders, providers);

    if (next.contains(kModels)) {
        QJsonArray models;
        for (const QJsonValue &entry : next.value(kModels).toArray()) {
            QJsonObject model = entry.toObject();
            if (!model.contains(kRoutes)) {
                models.append(model);
                continue;
            }
            QJsonArray routes;
            for (const QJsonValue &route : model.value(kRoutes).toArray()) {
                if (route.toObject().value("provider"_L1).toString() != id)
                    routes.append(route);
            }
            // An alias whose every route went to this provider serves nothing any more.
            if (routes.isEmpty())
                continue;
            model.insert(kRoutes, routes);
            models.append(model);
        }
        next.insert(kModels, models);
    }
    return changeTo(next);
}

ProviderChange ProviderDocument::setModels(const QString &id, const QStringList &models) const
{
    QJsonObject next = m_document;
    QJsonArray providers = next.value(kProviders).toArray();
    const int index = indexOf(id);
    if (index >= 0) {
        QJsonObject object = providers.at(index).toObject();
        setOrRemove(object, kModels, toArray(models), !models.isEmpty());
        providers.replace(index, object);
        next.insert(kProviders, providers);
    }
    return changeTo(next);
}

ProviderChange ProviderDocument::changeTo(QJsonObject next) const
{
    // A model a provider no longer serves takes its enabled flag, context window and
    // prices with it; otherwise the parser refuses the edit for a dangling annotation.
    ModelDocument::dropUnservedAnnotations(next);
    ProviderChange change;
    const QSet<QString> remaining = ProviderDocument(next).keychainEntries();
    for (const QString &name : keychainEntries()) {
        if (!remaining.contains(name))
            change.entriesToRemove.append(name);
    }
    change.entriesToRemove.sort();
    change.next = std::move(next);
    return change;
}

} // namespace onegate
