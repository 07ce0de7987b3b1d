#pragma once

#include "core/ProviderSettings.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace onegate {

// What one access key may spend (CONTRACT.md section 2b). Zero means no limit. Every
// limit is enforced by KeyLimiter (gateway/limits) on the model calls a key makes.
struct AccessKeyLimits {
    qint64 expiresMs = 0;    // ms since the epoch (UTC) from which the key is refused; 0 never
    int rpm = 0;             // requests in any 60 s
    int tpm = 0;             // tokens (prompt + completion) in any 60 s
    int maxConcurrent = 0;   // model calls in flight at once
    double monthlyBudget = 0;  // money per UTC calendar month, at the config's prices
    double warnAt = 0.8;       // the fraction of the budget at which the user is warned
    bool limitsRate() const { return rpm > 0 || tpm > 0; }
    friend bool operator==(const AccessKeyLimits &, const AccessKeyLimits &) = default;
};

struct AccessKey {
    QString name;
    SecretValue key;
    QStringList models;  // exact ids, or prefixes ending in "*" ("claude-*"; "*" for all)
    AccessKeyLimits limits;
};

// An access key's allowlist matches an exact id, or an id that starts with an entry's
// text before its closing "*" ("*" alone: everything).
inline bool modelAllowed(const QStringList &allowlist, const QString &model)
{
    for (const QString &entry : allowlist) {
        if (entry.endsWith(QLatin1Char('*')) ? model.startsWith(QStringView(entry).chopped(1)) : entry == model)
            return true;
    }
    return false;
}

struct Route {
    QString provider;
    QString model;
    int priority = 0;
    int weight = 1;
    int maxConcurrency = 0;  // requests in flight on this route at once; 0 = no limit
    friend bool operator==(const Route &, const Route &) = default;
};

// The circuit breaker of each route (provider + upstream model) and of each provider
// key: it opens after `failures` failures in a row, stays open for `cooldownMs`, which
// doubles every time a half-open probe fails again, up to `maxCooldownMs`.
struct BreakerSettings {
    int failures = 3;
    int cooldownMs = 30'000;
    int maxCooldownMs = 600'000;
    friend bool operator==(const BreakerSettings &, const BreakerSettings &) = default;
};

// The exact-match response cache (gateway/cache): how long an answer is kept and how
// many bytes all of them may take. Which requests use it is per model (ModelAlias::cache)
// and per request (the x-onegate-cache header).
struct CacheSettings {
    int ttlSeconds = 3600;
    int maxMb = 64;
    friend bool operator==(const CacheSettings &, const CacheSettings &) = default;
};

// How hard one request tries (the router stage): at most `maxAttempts` upstream calls
// across all routes, none started after `maxTotalMs`; a provider's Retry-After is waited
// out when it is at most `retryAfterMaxMs`, otherwise the next route is tried at once.
struct RouterSettings {
    int maxAttempts = 3;
    int maxTotalMs = 60'000;
    int retryAfterMaxMs = 5'000;
    BreakerSettings breaker;
    friend bool operator==(const RouterSettings &, const RouterSettings &) = default;
};

// Per million tokens, in whatever currency the user keeps accounts in; unset when the
// config does not give it.
struct ModelPrices {
    std::optional<double> input;
    std::optional<double> output;
    std::optional<double> cacheRead;
    std::optional<double> cacheWrite;
};

// One models[] entry. With routes it is an alias served under its own id; without, it
// only annotates the model that providers already serve under the same id.
struct ModelAlias {
    QString id;
    QList<Route> routes;
    bool enabled = true;    // false: the id is not served (ModelRouter)
    int contextWindow = 0;  // tokens; 0 when not given
    ModelPrices prices;
    bool cache = false;     // answers for this id go through the response cache
    int maxOutputTokens = 0;   // tokens; 0 when not given
    QStringList capabilities;  // kModelCapabilities; empty when not given
};

// What a model can do, as clients ask (Ollama's /api/show names): text completion,
// tool calls, image input, reasoning, embeddings, fill-in-the-middle.
inline const QStringList kModelCapabilities = {
    QStringLiteral("completion"), QStringLiteral("tools"),     QStringLiteral("vision"),
    QStringLiteral("thinking"),   QStringLiteral("embedding"), QStringLiteral("insert"),
};

// The Ollama-compatible surface (CONTRACT.md section 2b, `ollama.listen`): off unless
// the config has an `ollama` block.
struct OllamaSurface {
    bool enabled = false;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 11435;  // never Ollama's own 11434, where a real Ollama may listen
    friend bool operator==(const OllamaSurface &, const OllamaSurface &) = default;
};

// Which browser origins may call the API (CONTRACT.md section 2b, `cors`). None by
// default: a web page must not spend the user's money through a local gateway.
struct CorsSettings {
    QStringList origins;      // exact origins ("https://chat.example.org"), lower case
    bool extensions = false;  // also any chrome-extension://, moz-extension:// or app:// origin
    friend bool operator==(const CorsSettings &, const CorsSettings &) = default;
};

// The whole configuration as one immutable value. The gateway holds a shared snapshot
// and swaps it whole on reload, so a request always sees one consistent config.
struct Config {
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 4141;
    bool authRequired = true;
    QList<AccessKey> accessKeys;
    QList<ProviderSettings> providers;
    QList<ModelAlias> models;
    qint64 maxBodyBytes = 32 * 1024 * 1024;
    // A stream silent this long gets its dialect's keep-alive (Anthropic's ping).
    int streamKeepAliveMs = 10'000;
    RouterSettings router;
    CacheSettings cache;
    OllamaSurface ollama;
    CorsSettings cors;

    // The models[] entry with this id, if any.
    const ModelAlias *model(const QString &id) const;

    const ProviderSettings *provider(const QString &id) const;
};

} // namespace onegate
