#pragma once

#include "config/Config.h"
#include "http/AuthBans.h"
#include "http/Authenticator.h"
#include "http/EndpointTable.h"
#include "http/HostGuard.h"
#include "http/HttpResponses.h"
#include "http/OriginGuard.h"
#include "limits/KeyLimiter.h"
#include "routing/ModelCatalog.h"
#include "routing/Router.h"

#include <QHash>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <memory>
#include <optional>

class QHttpServerRequest;

namespace onegate {

class ChatExchange;
class ClientDialect;
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

// The Ollama-compatible surface's listener after a start or reload: the port it serves
// (0 when it is off or could not be bound) and why it could not be bound. It never stops
// the main API from serving.
struct OllamaListenResult {
    quint16 port = 0;
    QString error;
};

// What a config reload did (Gateway::applyConfig). Unless `error` says why nothing
// changed, routes, access keys and providers follow the new config for every request
// that arrives from now on. `listen` is the port now serving; when the config named a
// new address that could not be bound (`listenChanged` and `listen.error`, e.g. the port
// is in use), the old address keeps serving and the rest of the config still applies.
// One configured access key, its limits and where it stands against them now.
struct KeyStandingRow {
    QString name;
    AccessKeyLimits limits;
    KeyStanding standing;
};

struct ConfigApplyResult {
    QString error;
    bool listenChanged = false;
    ListenResult listen;
    OllamaListenResult ollama;
    bool ok() const { return error.isEmpty() && listen.ok(); }
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

    // Binds `host:port` (the config's listen address unless overridden) and serves; then
    // the Ollama-compatible surface, when the config turns it on (ollamaListen()).
    ListenResult listen(const QString &host, quint16 port);
    const OllamaListenResult &ollamaListen() const { return m_ollamaResult; }
    // Puts `config` in force for new requests at once (see ConfigApplyResult). Requests
    // in flight finish with the snapshot and provider runtimes they started with. A
    // provider whose connection settings did not change keeps its runtime (connections,
    // key rotation, cached model list). A new listen address is bound before the old one
    // stops accepting; connections already open there are served to their end. The
    // config's listen address is compared with the one last asked for (start or a
    // previous move), so an unchanged one never rebinds, and a move that failed is tried
    // again by the next apply. A caller that started on a --listen override must apply
    // that override to every new config too.
    ConfigApplyResult applyConfig(std::shared_ptr<const Config> config);
    // Stops accepting, lets requests in flight finish for up to `graceMs`, cancels the
    // rest, then emits stopped().
    void shutdown(int graceMs);
    int activeRequests() const { return int(m_active.size()); }
    // What the provider itself lists (cached; `refresh` asks again). Unknown ids answer
    // a 404 error.
    void fetchProviderModels(const QString &providerId, bool refresh, ModelCatalog::Callback done);
    // Paused: the API answers 503 ("resume from the tray"); requests in flight finish,
    // /health says "paused". The listener stays bound so the port is kept.
    void setPaused(bool paused) { m_paused = paused; }
    bool isPaused() const { return m_paused; }
    // Every configured access key with its limits and its use of them now.
    QList<KeyStandingRow> keyStandings();
    // What the router has learned of each route and key.
    const HealthBook &health() const { return m_router.health(); }
    // For tests: the gateway's clock (breaker cooldowns, cache expiry, auth bans) and a repeatable
    // balancing.
    void setRouterClock(const MonotonicClock &clock)
    {
        m_router.setClock(clock);
        m_bans.setClock(clock);
    }
    void seedRoutePicker(quint32 seed) { m_router.seed(seed); }
    // For tests: the wall clock of access-key limits (windows, months, expiry), ms since
    // the epoch.
    void setLimitsClock(const KeyLimiter::WallClock &clock) { m_limiter->setClock(clock); }

Q_SIGNALS:
    void stopped();
    // A request from a browser origin the config does not allow was refused (403). Emitted
    // for every such request; the app lists each origin once and offers to allow it.
    // `address` is the client's IP address.
    void originRefused(const QString &origin, const QString &address);
    // An access key's spending this month crossed its warning threshold or its budget
    // (once per key, level and month; also at start when the month was already past it).
    void budgetAlert(const onegate::BudgetAlert &alert);

private:
    struct Listener {
        GuardedTcpServer *tcp = nullptr;
        HostGuard guard;
        qint64 maxBodyBytes = 0;
    };

    ListenResult openListener(const QString &host, quint16 port, qint64 maxBodyBytes, Listener &out);
    // Puts `slot` on host:port (bound before the old socket stops accepting); on failure
    // the old one keeps serving.
    ListenResult moveListener(Listener &slot, HttpFront *front, const QString &host, quint16 port,
                              qint64 maxBodyBytes);
    void changeBodyLimit(Listener &slot, HttpFront *front, qint64 maxBodyBytes);
    void retire(Listener listener);
    // Opens, moves or closes the Ollama surface's listener to match the config.
    void applyOllamaSurface();
    HttpFront *makeFront(Surface surface);
    void restoreMonth();
    std::optional<ApiError> checkHost(const QHttpServerRequest &request, Surface surface) const;
    std::variant<Caller, ApiError> authenticate(const QHttpServerRequest &request, Surface surface) const;
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder, Surface surface);
    // Answers of the request being handled, with its CORS headers when it came from an
    // allowed browser origin.
    void reply(QHttpServerResponder &responder, int status, const QByteArray &contentType, const QByteArray &body);
    void replyError(QHttpServerResponder &responder, const ClientDialect &dialect, const ApiError &error,
                    HeaderPairs headers = {});
    void handleModels(const Caller &caller, QHttpServerResponder &responder);
    void handleOllamaTags(const Caller &caller, QHttpServerResponder &responder);
    void handleOllamaShow(const Caller &caller, const QHttpServerRequest &request, QHttpServerResponder &responder);
    void handleOllamaRunning(const Caller &caller, QHttpServerResponder &responder);
    QString ollamaModelId(const QString &name) const;
    void handleAnthropicModels(const Caller &caller, const QUrl &url, QHttpServerResponder &responder);
    QJsonObject anthropicModel(const QString &id) const;
    void handleModel(const Caller &caller, const QString &id, bool anthropicShape, QHttpServerResponder &responder);
    void handleChat(const Caller &caller, const QHttpServerRequest &request, QHttpServerResponder &&responder,
                    Endpoint endpoint);
    void handleCountTokens(const Caller &caller, const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void reject(QHttpServerResponder &responder, const ClientDialect &dialect, const ApiError &error,
                UsageRecord record, const HeaderPairs &headers = {});
    void checkStopped();

    std::shared_ptr<const Config> m_config;
    UsageRecorder *m_usage;
    Router m_router;
    Authenticator m_auth;
    OriginGuard m_origins;
    AuthBans m_bans;
    // Shared with the tickets of requests in flight, which may outlive a reload.
    std::shared_ptr<KeyLimiter> m_limiter;
    bool m_monthRestored = false;
    // The headers every answer to the request being handled carries (its CORS headers).
    HeaderPairs m_replyHeaders;
    HttpFront *m_front = nullptr;
    // The listen address as asked for (config or --listen), and the socket bound for it.
    QString m_listenHost;
    quint16 m_listenPort = 0;
    Listener m_listener;
    // The Ollama-compatible surface: its listener (tcp null when off), the address last
    // asked for, and the outcome reported to the app.
    HttpFront *m_ollamaFront = nullptr;
    Listener m_ollama;
    OllamaSurface m_ollamaAt;
    OllamaListenResult m_ollamaResult;
    // When each model was last asked for (ms since the epoch): Ollama's /api/ps lists
    // those used within its keep-alive time as "loaded".
    QHash<QString, qint64> m_lastUsedMs;
    // Listeners replaced by a reload: no longer accepting, kept until the connections
    // they accepted are gone (the sockets are their children). Their Host names stay
    // allowed, since a keep-alive client there may send another request.
    QList<Listener> m_draining;
    // Shared with the exchanges and model-list fetches using them (ProviderRuntime.h).
    QHash<QString, std::shared_ptr<ProviderRuntime>> m_providers;
    QSet<ChatExchange *> m_active;
    ModelCatalog *m_catalog;
    qint64 m_createdAt;
    bool m_stopping = false;
    bool m_paused = false;
};

} // namespace onegate
