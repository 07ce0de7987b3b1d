#pragma once

#include "config/Config.h"
#include "http/Authenticator.h"
#include "http/HostGuard.h"
#include "routing/ModelCatalog.h"
#include "routing/ModelRouter.h"

#include <QHash>
#include <QHttpServerResponder>
#include <QObject>
#include <QSet>
#include <memory>

class QHttpServerRequest;

namespace onegate {

class ChatExchange;
class GuardedTcpServer;
class HttpFront;
class ProviderRuntime;
class UsageRecorder;
struct UsageRecord;

struct ListenResult {
    quint16 port = 0;
    QString error;
    bool addressInUse = false;
    bool ok() const { return error.isEmpty(); }
};

// The embedded gateway. Lives on its own thread (the UI never delays a request); every
// method must be called on that thread. A request passes fixed stages, each able to
// answer early: host guard, route match, auth, dialect decode, model route, adapter,
// relay, record.
class Gateway final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Gateway)
public:
    Gateway(std::shared_ptr<const Config> config, UsageRecorder *usage, QObject *parent = nullptr);
    ~Gateway() override;

    // Binds `host:port` (the config's listen address unless overridden) and serves.
    ListenResult listen(const QString &host, quint16 port);
    // Stops accepting, lets requests in flight finish for up to `graceMs`, cancels the
    // rest, then emits stopped().
    void shutdown(int graceMs);
    int activeRequests() const { return int(m_active.size()); }
    // What the provider itself lists (cached; `refresh` asks again). Unknown ids answer
    // a 404 error.
    void fetchProviderModels(const QString &providerId, bool refresh, ModelCatalog::Callback done);

Q_SIGNALS:
    void stopped();

private:
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void handleModels(const Caller &caller, QHttpServerResponder &responder);
    void handleModel(const Caller &caller, const QString &id, QHttpServerResponder &responder);
    void handleChat(const Caller &caller, const QHttpServerRequest &request,
                    QHttpServerResponder &&responder);
    void reject(QHttpServerResponder &responder, const ApiError &error, UsageRecord record);
    void checkStopped();

    std::shared_ptr<const Config> m_config;
    UsageRecorder *m_usage;
    ModelRouter m_router;
    Authenticator m_auth;
    HostGuard m_hostGuard;
    HttpFront *m_front = nullptr;
    GuardedTcpServer *m_tcp = nullptr;
    QHash<QString, ProviderRuntime *> m_providers;
    QSet<ChatExchange *> m_active;
    ModelCatalog *m_catalog;
    qint64 m_createdAt;
    bool m_stopping = false;
};

} // namespace onegate
