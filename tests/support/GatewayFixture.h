#pragma once

// For the end-to-end suites that link the gateway (header-only, so the support library
// itself needs no gateway).

#include "GatewayService.h"
#include "UsageRows.h"
#include "config/ConfigParser.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"

#include <QTemporaryDir>
#include <memory>

namespace onegate::test {

// A running gateway as the end-to-end suites use it: the config text parsed strictly,
// its env: secrets resolved, a real usage.db in a temporary folder, and a GatewayService
// on its own thread listening on 127.0.0.1. Torn down in the order the parts depend on
// each other: the gateway, then usage, then the folder.
class GatewayFixture final {
    Q_DISABLE_COPY_MOVE(GatewayFixture)
public:
    GatewayFixture() = default;
    ~GatewayFixture()
    {
        m_service.reset();
        m_usage.reset();
    }

    // Empty when the gateway is serving; otherwise why not.
    QString start(const QByteArray &configJson, const QString &name = QStringLiteral("e2e.json"))
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary folder");
        ConfigResult parsed = parseConfig(configJson, name);
        if (!parsed.ok())
            return parsed.error.toString();
        Config config = std::move(*parsed.config);
        MemorySecretStore secrets;
        const QStringList warnings = resolveSecrets(config, secrets);
        if (!warnings.isEmpty())
            return warnings.join(QLatin1Char('\n'));
        m_usage = std::make_unique<UsageRecorder>();
        if (const QString error = m_usage->open(usagePath()); !error.isEmpty())
            return error;
        m_service = std::make_unique<GatewayService>();
        const ListenResult listening = m_service->start(std::make_shared<const Config>(std::move(config)), m_usage.get());
        if (!listening.ok())
            return listening.error;
        m_port = listening.port;
        return {};
    }

    quint16 port() const { return m_port; }
    // The Ollama-compatible surface's port; 0 when the config leaves it off.
    quint16 ollamaPort() const { return m_service->ollamaAtStart().port; }
    GatewayService &service() { return *m_service; }
    UsageRecorder &usage() { return *m_usage; }
    QString usagePath() const { return m_dir.filePath(QStringLiteral("usage.db")); }
    // The committed rows, newest first, once at least `expected` are there (UsageRows.h).
    QList<UsageRecord> usageRows(int expected) { return committedUsageRows(*m_usage, usagePath(), expected); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_service;
    quint16 m_port = 0;
};

} // namespace onegate::test
