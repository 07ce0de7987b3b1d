#pragma once

#include "Gateway.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace onegate {

struct Config;
class UsageRecorder;

// Runs a Gateway on its own thread ("onegate-gateway") so a busy GUI or test thread never
// delays a request. Owned and called from one thread (the app's main thread); the
// gateway itself is reached only through queued calls.
class GatewayService final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GatewayService)
public:
    explicit GatewayService(QObject *parent = nullptr);
    ~GatewayService() override;  // stops at once if still running

    // Starts the thread and binds the config's listen address. Blocks until bound.
    ListenResult start(std::shared_ptr<const Config> config, UsageRecorder *usage);
    // The Ollama-compatible surface as start() left it (off, serving, or why not).
    const OllamaListenResult &ollamaAtStart() const { return m_ollamaAtStart; }
    // Graceful stop (CONTRACT.md section 1): no new connections, requests in flight get
    // `graceMs` to finish, then are cancelled; emits stopped() when the thread is gone.
    void shutdown(int graceMs);
    bool isRunning() const { return m_gateway != nullptr; }
    // Asks the gateway for a provider's own model list; `done` runs on `receiver`'s
    // thread (skipped if the receiver is gone by then).
    void fetchProviderModels(const QString &providerId, bool refresh, QObject *receiver,
                             std::function<void(const ProviderModels &)> done);
    // Hands a new config to the running gateway (Gateway::applyConfig): new requests use
    // it at once, requests in flight finish as they started. The outcome arrives as
    // configApplied(). Returns false, and does nothing, when the gateway is not running
    // (the next start() takes the config then).
    bool applyConfig(std::shared_ptr<const Config> config);
    // What the router knows of each route and key now (HealthBook); `done` runs on
    // `receiver`'s thread (skipped if the receiver is gone by then).
    void fetchHealth(QObject *receiver, std::function<void(const HealthSnapshot &)> done);
    // Every access key's limits and its use of them now (Gateway::keyStandings); `done`
    // runs on `receiver`'s thread (skipped if the receiver is gone by then).
    void fetchKeyStandings(QObject *receiver, std::function<void(const QList<KeyStandingRow> &)> done);
    // Pauses or resumes answering the API (see Gateway::setPaused).
    void setPaused(bool paused);

Q_SIGNALS:
    void stopped();
    // One per applyConfig() call, in call order. A listen change that failed is reported
    // in result.listen (e.g. addressInUse), with the old address still serving.
    void configApplied(const onegate::ConfigApplyResult &result);
    // A browser origin the config does not allow was refused (Gateway::originRefused).
    void originRefused(const QString &origin, const QString &address);
    // An access key's spending crossed its warning threshold or its budget (Gateway::budgetAlert).
    void budgetAlert(const onegate::BudgetAlert &alert);

private:
    void joinThread();
    // Runs `produce` on the gateway thread and hands its result to `done` on `receiver`'s.
    template<typename Result>
    void ask(QObject *receiver, std::function<Result(Gateway &)> produce, std::function<void(const Result &)> done);

    QThread m_thread;
    Gateway *m_gateway = nullptr;
    OllamaListenResult m_ollamaAtStart;
};

} // namespace onegate
