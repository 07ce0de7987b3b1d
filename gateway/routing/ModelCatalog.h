#pragma once

#include "core/ApiError.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace onegate {

class ProviderRuntime;

// What a provider says it serves, as last fetched.
struct ProviderModels {
    QStringList models;
    std::optional<ApiError> error;  // the provider's own error, in OpenAI terms
    QDateTime fetchedAt;
    bool fromCache = false;
};

// Fetches each provider's model list through its adapter (the GUI offers it when the
// user picks models to serve) and caches it for `ttl`, so opening a settings page does
// not call every provider again. Concurrent fetches of one provider share one request.
// Lives on the gateway thread; callbacks run there too.
class ModelCatalog final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelCatalog)
public:
    using Callback = std::function<void(const ProviderModels &)>;

    explicit ModelCatalog(int ttlSeconds = 600, QObject *parent = nullptr);

    // `refresh` skips the cache. A failed fetch is answered but not cached. The fetch
    // keeps `provider` alive until it is answered, even if a reload retires it.
    void fetch(std::shared_ptr<ProviderRuntime> provider, bool refresh, Callback done);
    // The provider changed or went away (config reload): its cached list is dropped, and
    // a fetch still on its way answers those already waiting but is neither cached nor
    // joined by later fetches, which ask the new provider.
    void forget(const QString &providerId);

private:
    struct Pending {
        std::shared_ptr<ProviderRuntime> provider;
        QList<Callback> waiting;
        bool forgotten = false;
    };
    void deliver(const QString &providerId, const std::shared_ptr<Pending> &pending,
                 const ProviderModels &result);

    int m_ttlSeconds;
    QHash<QString, ProviderModels> m_cache;
    QHash<QString, std::shared_ptr<Pending>> m_pending;
};

} // namespace onegate
