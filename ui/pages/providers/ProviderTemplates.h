#pragma once

#include "core/ProviderSettings.h"

#include <QList>
#include <QString>

namespace onegate {

// A starting point for a new provider: what the "Add provider" menu offers. Choosing one
// fills in the kind, the base URL and an id; the user adds the key.
struct ProviderTemplate {
    enum class Place { Cloud, Local, Custom };

    QString id;       // stable; also the id suggested for the provider
    const char *name; // English display name; displayName() translates it
    ProviderKind kind;
    QString baseUrl; // as the config wants it for `kind` (see CONTRACT.md)
    Place place;
    bool needsKey; // the service refuses requests without one
    // The base URL holds a part the user must replace (Azure's resource name).
    QString placeholder;

    QString displayName() const;
    bool isLocal() const { return place == Place::Local; }
};

// In menu order: cloud services, servers on this computer, then a custom one.
const QList<ProviderTemplate> &providerTemplates();
// nullptr when there is no template with that id.
const ProviderTemplate *findProviderTemplate(const QString &id);
// How the window names a provider kind ("OpenAI-compatible", "Azure OpenAI", ...).
QString providerKindDisplayName(ProviderKind kind);

} // namespace onegate
