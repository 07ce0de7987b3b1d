#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace onegate {

enum class ProviderKind { OpenAi, Azure, Anthropic, Gemini, Ollama };

QString providerKindName(ProviderKind kind);

// Timeouts for one provider. Streams are bounded by silence, not wall clock, so a long
// but lively answer is never cut; a non-streaming call has only its total budget.
struct TransportPolicy {
    int connectTimeoutMs = 10'000;  // until the request has been sent
    int idleTimeoutMs = 120'000;    // longest silence between bytes of a stream
    int totalTimeoutMs = 600'000;   // whole non-streaming exchange
};

struct ProxySetting {
    enum class Mode { System, None, Http, Socks5 };
    Mode mode = Mode::System;
    QUrl url;  // set for Http and Socks5
};

// A secret reference as written in the config ("env:NAME" or "keychain:NAME") and,
// after resolution, its value. The value lives only in memory.
struct SecretValue {
    QString reference;
    QByteArray value;     // empty when unresolved
    QString problem;      // why it could not be resolved, shown to the user
    bool isResolved() const { return !value.isEmpty(); }
};

// One configured provider, immutable once the config snapshot is built.
struct ProviderSettings {
    QString id;
    ProviderKind kind = ProviderKind::OpenAi;
    QUrl baseUrl;
    QList<SecretValue> apiKeys;  // requests rotate across the resolved ones
    QStringList models;          // served under their own ids
    ProxySetting proxy;
    QString apiVersion;          // azure only
    TransportPolicy policy;
    QList<QPair<QByteArray, QByteArray>> extraHeaders;  // sent with every request
    int maxConcurrency = 0;  // requests in flight to this provider at once; 0 = no limit
    // openai kind: the provider serves /v1/responses itself (Responses requests pass
    // through); otherwise they are translated to chat.
    bool servesResponses = false;
};

} // namespace onegate
