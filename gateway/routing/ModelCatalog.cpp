#include "ModelCatalog.h"

#include "ProviderRuntime.h"
#include "core/ProviderAdapter.h"
#include "core/SecretRedaction.h"
#include "core/ProviderTransport.h"

#include <utility>

namespace onegate {

ModelCatalog::ModelCatalog(int ttlSeconds, QObject *parent)
    : QObject(parent)
    , m_ttlSeconds(ttlSeconds)
{
}

void ModelCatalog::fetch(std::shared_ptr<ProviderRuntime> provider, bool refresh, Callback done)
{
    const QString id = provider->settings().id;
    if (!refresh) {
        const auto cached = m_cache.constFind(id);
        if (cached != m_cache.constEnd()
            && cached->fetchedAt.secsTo(QDateTime::currentDateTimeUtc()) < m_ttlSeconds) {
            ProviderModels hit = *cached;
            hit.fromCache = true;
            done(hit);
            return;
        }
    }
    std::shared_ptr<Pending> &slot = m_pending[id];
    if (slot) {
        slot->waiting.append(std::move(done));
        return;  // a fetch is already on its way
    }
    slot = std::make_shared<Pending>();
    slot->provider = provider;
    slot->waiting.append(std::move(done));
    const std::shared_ptr<Pending> pending = slot;

    const ProviderAdapter *adapter = provider->adapter();
    QString keyProblem;
    const std::optional<ProviderRuntime::Key> key = provider->nextKey({}, &keyProblem);
    if (!adapter || !key) {
        ProviderModels failed;
        failed.error = ApiError::make(503, QStringLiteral("server_error"), QStringLiteral("provider_unavailable"),
                                      adapter ? QStringLiteral("Provider '%1' has no usable API key: %2").arg(id, keyProblem)
                                              : QStringLiteral("Provider '%1' has no adapter in this build").arg(id));
        deliver(id, pending, failed);
        return;
    }
    UpstreamCall *call = provider->transport()->start(adapter->modelListRequest(provider->settings(), key->value),
                                                      provider->settings().policy, false, this);
    auto body = std::make_shared<QByteArray>();
    connect(call, &UpstreamCall::dataReceived, this, [body](const QByteArray &bytes) { body->append(bytes); });
    const QByteArray apiKey = key->value;
    connect(call, &UpstreamCall::finished, this, [this, call, adapter, id, body, pending, apiKey] {
        ProviderModels result;
        result.fetchedAt = QDateTime::currentDateTimeUtc();
        const int status = call->httpStatus();
        if (call->failure() != UpstreamFailure::None) {
            result.error = ApiError::make(502, QStringLiteral("upstream_error"), QStringLiteral("upstream_unreachable"),
                                          QStringLiteral("provider '%1': %2").arg(id, call->failureText()), true);
        } else if (status < 200 || status >= 300) {
            result.error = adapter->mapError(status, *body, call->responseHeader("Content-Type"));
        } else {
            ModelListResult list = adapter->decodeModelList(*body);
            result.models = list.models;
            result.error = list.error;
        }
        // The provider may quote the key back in its error; the settings page shows it.
        if (result.error)
            redactSecret(*result.error, apiKey);
        call->deleteLater();
        deliver(id, pending, result);
    });
}

void ModelCatalog::forget(const QString &providerId)
{
    m_cache.remove(providerId);
    if (const std::shared_ptr<Pending> pending = m_pending.take(providerId))
        pending->forgotten = true;
}

void ModelCatalog::deliver(const QString &providerId, const std::shared_ptr<Pending> &pending,
                           const ProviderModels &result)
{
    if (!pending->forgotten) {
        m_pending.remove(providerId);
        if (!result.error)
            m_cache.insert(providerId, result);
    }
    const QList<Callback> waiting = std::exchange(pending->waiting, {});
    // The runtime is released here, not by the reply's signal that is still running:
    // its deleter defers the delete to the event loop.
    pending->provider.reset();
    for (const Callback &callback : waiting)
        callback(result);
}

} // namespace onegate
