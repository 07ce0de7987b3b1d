#include "GatewayService.h"

#include <QPointer>

namespace onegate {

GatewayService::GatewayService(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("onegate-gateway"));
}

GatewayService::~GatewayService()
{
    joinThread();
}

ListenResult GatewayService::start(std::shared_ptr<const Config> config, UsageRecorder *usage)
{
    ListenResult result;
    if (m_gateway) {
        result.error = QStringLiteral("the gateway is already running");
        return result;
    }
    const QString host = config->listenHost;
    const quint16 port = config->listenPort;
    m_gateway = new Gateway(std::move(config), usage);
    m_gateway->moveToThread(&m_thread);
    // The gateway and everything it created are deleted on their own thread.
    connect(&m_thread, &QThread::finished, m_gateway, &QObject::deleteLater);
    connect(m_gateway, &Gateway::stopped, this, [this] {
        joinThread();
        Q_EMIT stopped();
    });
    // Queued: the gateway thread never waits for the app.
    connect(m_gateway, &Gateway::originRefused, this, &GatewayService::originRefused, Qt::QueuedConnection);
    connect(m_gateway, &Gateway::budgetAlert, this, &GatewayService::budgetAlert, Qt::QueuedConnection);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_gateway,
        [&] {
            result = m_gateway->listen(host, port);
            m_ollamaAtStart = m_gateway->ollamaListen();
        },
        Qt::BlockingQueuedConnection);
    if (!result.ok())
        joinThread();
    return result;
}

void GatewayService::shutdown(int graceMs)
{
    if (!m_gateway)
        return;
    Gateway *gateway = m_gateway;
    QMetaObject::invokeMethod(gateway, [gateway, graceMs] { gateway->shutdown(graceMs); });
}

void GatewayService::fetchProviderModels(const QString &providerId, bool refresh, QObject *receiver,
                                         std::function<void(const ProviderModels &)> done)
{
    Gateway *gateway = m_gateway;
    if (!gateway)
        return;
    QPointer<QObject> target(receiver);
    QMetaObject::invokeMethod(gateway, [gateway, providerId, refresh, target, done] {
        gateway->fetchProviderModels(providerId, refresh, [target, done](const ProviderModels &result) {
            if (target)
                QMetaObject::invokeMethod(target, [done, result] { done(result); });
        });
    });
}

template<typename Result>
void GatewayService::ask(QObject *receiver, std::function<Result(Gateway &)> produce,
                         std::function<void(const Result &)> done)
{
    Gateway *gateway = m_gateway;
    if (!gateway)
        return;
    QPointer<QObject> target(receiver);
    QMetaObject::invokeMethod(gateway, [gateway, target, produce = std::move(produce), done = std::move(done)] {
        const Result result = produce(*gateway);
        if (target)
            QMetaObject::invokeMethod(target, [done, result] { done(result); });
    });
}

void GatewayService::fetchHealth(QObject *receiver, std::function<void(const HealthSnapshot &)> done)
{
    ask<HealthSnapshot>(receiver, [](Gateway &gateway) { return gateway.health().snapshot(); }, std::move(done));
}

void GatewayService::fetchKeyStandings(QObject *receiver, std::function<void(const QList<KeyStandingRow> &)> done)
{
    ask<QList<KeyStandingRow>>(receiver, [](Gateway &gateway) { return gateway.keyStandings(); }, std::move(done));
}

bool GatewayService::applyConfig(std::shared_ptr<const Config> config)
{
    Gateway *gateway = m_gateway;
    if (!gateway || !config)
        return false;
    // `this` outlives the call: the destructor joins the gateway thread first, and an
    // answer posted to a service deleted meanwhile is dropped with it.
    QMetaObject::invokeMethod(gateway, [this, gateway, config = std::move(config)]() mutable {
        const ConfigApplyResult result = gateway->applyConfig(std::move(config));
        QMetaObject::invokeMethod(this, [this, result] { Q_EMIT configApplied(result); });
    });
    return true;
}

void GatewayService::setPaused(bool paused)
{
    Gateway *gateway = m_gateway;
    if (gateway)
        QMetaObject::invokeMethod(gateway, [gateway, paused] { gateway->setPaused(paused); });
}

void GatewayService::joinThread()
{
    if (!m_gateway)
        return;
    m_gateway = nullptr;
    m_thread.quit();
    m_thread.wait();
}

} // namespace onegate
