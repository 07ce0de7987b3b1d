#pragma once

#include "config/Config.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <memory>

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
// column can say whether each key actually resolved) plus the session's test results.
class ProviderTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderTableModel)
public:
    enum class Column { Id, Kind, BaseUrl, Models, Key, LastTest, Count };

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
    QString text(const ProviderSettings &provider, Column column) const;

    std::shared_ptr<const Config> m_config;
    QHash<QString, ProviderTestResult> m_tests;
};

} // namespace onegate
