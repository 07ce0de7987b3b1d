#pragma once

#include "core/ProviderSettings.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace onegate {

// One key of a provider as the edit dialog holds it: a reference kept from the config,
// or a secret just typed, which goes to the keychain when the provider is saved.
struct DraftKey {
    QString reference; // "keychain:NAME" or "env:NAME"; empty for a new secret
    QByteArray secret; // the new secret; empty for a kept reference
    // For the list the dialog shows (never the secret): its masked form when known, and
    // why a kept reference cannot be resolved.
    QString masked;
    QString problem;

    bool isNew() const { return reference.isEmpty(); }
};

enum class ProxyChoice { System, None, Http, Socks5 };

// A provider as the user filled it in; turned into a providers[] entry by
// ProviderDocument.
struct ProviderDraft {
    QString id;
    ProviderKind kind = ProviderKind::OpenAi;
    QString baseUrl;
    QList<DraftKey> keys; // in rotation order
    QStringList models;
    ProxyChoice proxy = ProxyChoice::System;
    QString proxyAddress; // host:port, for Http and Socks5
    QString apiVersion;   // azure only; empty for OneGate's default
};

} // namespace onegate
