#pragma once

#include "config/Config.h"
#include "routing/HealthBook.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <memory>
#include <optional>

namespace onegate {

// The outcome of the last "Test connection" or "Fetch models" for one provider. Kept
// for the session only: it says what the user saw, not what the provider does now.
struct ProviderTestResult {
    enum class State { NotTested, Running, Passed, Failed };
    State state = State::NotTested;
    int modelCount = 0; // Passed
    QString message;    // Failed: the provider's own error message
    QDateTime at;
};

// The configured providers, one row each, from the parsed config snapshot (so the key
// column can say whether each key actually resolved) plus the session's test results
// and, in the Health column, what the router has seen of each provider (setHealth()):
//   OK              every route of it in the snapshot is closed and no key is cooling down
//   Degraded        some route is open or half-open, or some (not all) keys are cooling
//   Down            every route of it in the snapshot is open, or every key is cooling
//   No traffic yet  the snapshot says nothing about it
// Empty before the first snapshot and after clearHealth().
class ProviderTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderTableModel)
public:
    enum class Column { Id, Health, Kind, BaseUrl, Models, Key, LastTest, Count };
    enum class Health { NoTraffic, Ok, Degraded, Down };

    explicit ProviderTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Shows the providers of `config` (none for null). Test results of providers that
    // are still there are kept.
    void setConfig(std::shared_ptr<const Config> config);
    void setTestResult(const QString &providerId, const ProviderTestResult &result);
    ProviderTestResult testResult(const QString &providerId) const;

    // What the router knows now (GatewayService::fetchHealth). Only the Health column
    // changes.
    void setHealth(const HealthSnapshot &snapshot);
    // No gateway to ask: the Health column goes empty.
    void clearHealth();
    // Nothing before the first snapshot.
    std::optional<Health> health(const QString &providerId) const;

    // -1 when no row has that id.
    int rowOf(const QString &providerId) const;
    QString providerId(int row) const;
    const ProviderSettings *provider(int row) const;

    // The key column's text for one provider: "in keychain", "from environment",
    // "missing: <reason>", "not needed", "none set" (a remote server without a key), or
    // with several keys how many there are and where.
    static QString describeKeys(const ProviderSettings &provider);
    static QString describeTest(const ProviderTestResult &result);

    // Texts are produced on demand, so a language change only needs the views told.
    void retranslate();

private:
    // One provider's share of the snapshot.
    struct HealthSummary {
        Health state = Health::NoTraffic;
        int routes = 0;           // routes of it that carried traffic
        int open = 0;             // of them cooling down
        int halfOpen = 0;         // of them being probed
        qint64 soonestBackMs = 0; // the open route whose cooldown ends first
        int keys = 0;             // configured
        QList<KeyHealth> coolingKeys;
        QString lastError;
        qint64 lastErrorAtMs = 0;
    };
    HealthSummary summarize(const ProviderSettings &provider) const;
    static QString describeHealth(Health state);
    static QString explainHealth(const HealthSummary &summary);
    QString text(const ProviderSettings &provider, Column column) const;
    void healthChanged();

    std::shared_ptr<const Config> m_config;
    QHash<QString, ProviderTestResult> m_tests;
    std::optional<HealthSnapshot> m_health;
};

} // namespace onegate
