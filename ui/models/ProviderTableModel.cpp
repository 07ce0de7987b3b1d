#include "ProviderTableModel.h"

#include "config/ListenAddress.h"
#include "pages/providers/ProviderTemplates.h"
#include "secrets/SecretReference.h"

#include <QColor>
#include <QLocale>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

bool hasMissingKey(const ProviderSettings &provider)
{
    for (const SecretValue &key : provider.apiKeys) {
        if (!key.isResolved())
            return true;
    }
    return false;
}

// Whole seconds, rounded up: a cooldown with 200 ms left still says "1 s".
qint64 secondsLeft(qint64 ms)
{
    return (std::max<qint64>(ms, 0) + 999) / 1000;
}

// Reds and ambers that read on light and dark themes, for what needs the user's
// attention.
QColor attentionRed()
{
    return QColor(0xc0, 0x39, 0x2b);
}

QColor warningAmber()
{
    return QColor(0xb9, 0x77, 0x0e);
}

} // namespace

ProviderTableModel::ProviderTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int ProviderTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_config)
        return 0;
    return int(m_config->providers.size());
}

int ProviderTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant ProviderTableModel::data(const QModelIndex &index, int role) const
{
    const ProviderSettings *settings = index.isValid() ? provider(index.row()) : nullptr;
    if (!settings || index.column() >= int(Column::Count))
        return {};
    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return text(*settings, column);
    case Qt::ToolTipRole:
        if (column == Column::Models && !settings->models.isEmpty())
            return settings->models.join(u'\n');
        if (column == Column::Key && settings->apiKeys.size() > 1) {
            return tr("%1\nRequests take turns across these %n keys.", nullptr,
                      int(settings->apiKeys.size()))
                .arg(describeKeys(*settings));
        }
        if (column == Column::Health)
            return m_health ? explainHealth(summarize(*settings)) : QString();
        if (column == Column::LastTest) {
            const ProviderTestResult result = testResult(settings->id);
            if (result.at.isValid()) {
                return tr("%1\nTested on %2")
                    .arg(describeTest(result), QLocale().toString(result.at, QLocale::ShortFormat));
            }
        }
        return text(*settings, column);
    case Qt::ForegroundRole:
        if ((column == Column::Key && hasMissingKey(*settings)) ||
            (column == Column::LastTest &&
             testResult(settings->id).state == ProviderTestResult::State::Failed))
            return attentionRed();
        if (column == Column::Health && m_health) {
            const Health state = summarize(*settings).state;
            if (state == Health::Down)
                return attentionRed();
            if (state == Health::Degraded)
                return warningAmber();
        }
        return {};
    case Qt::UserRole:
        return settings->id;
    default:
        return {};
    }
}

QVariant ProviderTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= int(Column::Count))
        return {};
    switch (Column(section)) {
    case Column::Id:
        return tr("Provider");
    case Column::Health:
        return tr("Health");
    case Column::Kind:
        return tr("Kind");
    case Column::BaseUrl:
        return tr("Base URL");
    case Column::Models:
        return tr("Models served");
    case Column::Key:
        return tr("Key");
    case Column::LastTest:
        return tr("Last test");
    case Column::Count:
        break;
    }
    return {};
}

QString ProviderTableModel::text(const ProviderSettings &provider, Column column) const
{
    switch (column) {
    case Column::Id:
        return provider.id;
    case Column::Health:
        return m_health ? describeHealth(summarize(provider).state) : QString();
    case Column::Kind:
        return providerKindDisplayName(provider.kind);
    case Column::BaseUrl:
        return provider.baseUrl.toString();
    case Column::Models:
        return provider.models.isEmpty() ? tr("none") : provider.models.join(u", "_s);
    case Column::Key:
        return describeKeys(provider);
    case Column::LastTest:
        return describeTest(testResult(provider.id));
    case Column::Count:
        break;
    }
    return {};
}

void ProviderTableModel::setConfig(std::shared_ptr<const Config> config)
{
    beginResetModel();
    m_config = std::move(config);
    QHash<QString, ProviderTestResult> kept;
    if (m_config) {
        for (const ProviderSettings &settings : m_config->providers) {
            const auto it = m_tests.constFind(settings.id);
            if (it != m_tests.constEnd())
                kept.insert(settings.id, *it);
        }
    }
    m_tests = kept;
    endResetModel();
}

void ProviderTableModel::setTestResult(const QString &providerId, const ProviderTestResult &result)
{
    const int row = rowOf(providerId);
    if (row < 0)
        return;
    m_tests.insert(providerId, result);
    const QModelIndex cell = index(row, int(Column::LastTest));
    Q_EMIT dataChanged(cell, cell);
}

ProviderTestResult ProviderTableModel::testResult(const QString &providerId) const
{
    return m_tests.value(providerId);
}

void ProviderTableModel::setHealth(const HealthSnapshot &snapshot)
{
    m_health = snapshot;
    healthChanged();
}

void ProviderTableModel::clearHealth()
{
    if (!m_health)
        return;
    m_health.reset();
    healthChanged();
}

void ProviderTableModel::healthChanged()
{
    if (rowCount() > 0) {
        Q_EMIT dataChanged(index(0, int(Column::Health)),
                           index(rowCount() - 1, int(Column::Health)));
    }
}

std::optional<ProviderTableModel::Health>
ProviderTableModel::health(const QString &providerId) const
{
    const ProviderSettings *settings = provider(rowOf(providerId));
    if (!settings || !m_health)
        return std::nullopt;
    return summarize(*settings).state;
}

ProviderTableModel::HealthSummary
ProviderTableModel::summarize(const ProviderSettings &provider) const
{
    HealthSummary summary;
    summary.keys = int(provider.apiKeys.size());
    if (!m_health)
        return summary;
    for (const RouteHealth &route : m_health->routes) {
        if (route.provider != provider.id)
            continue;
        ++summary.routes;
        if (route.state == BreakerState::Open) {
            summary.soonestBackMs = summary.open++ == 0
                                        ? route.cooldownLeftMs
                                        : std::min(summary.soonestBackMs, route.cooldownLeftMs);
        } else if (route.state == BreakerState::HalfOpen) {
            ++summary.halfOpen;
        }
        if (!route.lastError.isEmpty() && route.lastErrorAtMs >= summary.lastErrorAtMs) {
            summary.lastError = route.lastError;
            summary.lastErrorAtMs = route.lastErrorAtMs;
        }
    }
    for (const KeyHealth &key : m_health->coolingKeys) {
        if (key.provider == provider.id)
            summary.coolingKeys.append(key);
    }
    const auto cooling = int(summary.coolingKeys.size());
    if (summary.routes == 0 && cooling == 0)
        summary.state = Health::NoTraffic;
    else if ((summary.keys > 0 && cooling >= summary.keys) ||
             (summary.routes > 0 && summary.open == summary.routes))
        summary.state = Health::Down;
    else if (summary.open > 0 || summary.halfOpen > 0 || cooling > 0)
        summary.state = Health::Degraded;
    else
        summary.state = Health::Ok;
    return summary;
}

QString ProviderTableModel::describeHealth(Health state)
{
    switch (state) {
    case Health::NoTraffic:
        return tr("No traffic yet");
    case Health::Ok:
        return tr("OK");
    case Health::Degraded:
        return tr("Degraded");
    case Health::Down:
        return tr("Down");
    }
    return {};
}

QString ProviderTableModel::explainHealth(const HealthSummary &summary)
{
    const QLocale locale;
    const auto cooling = int(summary.coolingKeys.size());
    QStringList lines;
    switch (summary.state) {
    case Health::NoTraffic:
        lines.append(tr("No request has gone to this provider since OneGate started."));
        break;
    case Health::Ok:
        lines.append(tr("Every route that carried traffic works, and no key is cooling down."));
        break;
    case Health::Degraded:
        lines.append(tr("Some routes or keys are failing; requests go to the others meanwhile."));
        break;
    case Health::Down:
        if (summary.keys > 0 && cooling >= summary.keys) {
            lines.append(tr("The provider rejected every key. OneGate tries them again when "
                            "their cooldown ends; check them with Edit."));
        } else {
            lines.append(tr("Every route that carried traffic is cooling down after failures. "
                            "OneGate tries again when the cooldown ends."));
        }
        break;
    }
    if (summary.routes > 0) {
        lines.append(tr("Routes with traffic: %1, cooling down: %2, being probed: %3")
                         .arg(locale.toString(summary.routes), locale.toString(summary.open),
                              locale.toString(summary.halfOpen)));
    }
    if (summary.open > 0) {
        lines.append(tr("The first route is back in %1 s.")
                         .arg(locale.toString(secondsLeft(summary.soonestBackMs))));
    }
    if (cooling > 0) {
        lines.append(tr("Keys cooling down: %1 of %2")
                         .arg(locale.toString(cooling), locale.toString(summary.keys)));
        for (const KeyHealth &key : summary.coolingKeys) {
            // Numbered from 1, in the order of the provider's keys.
            const QString number = locale.toString(key.index + 1);
            lines.append(key.cooldownLeftMs > 0
                             ? tr("Key %1: back in %2 s")
                                   .arg(number, locale.toString(secondsLeft(key.cooldownLeftMs)))
                             : tr("Key %1: being tried again").arg(number));
        }
    }
    if (!summary.lastError.isEmpty()) {
        const QString at =
            summary.lastErrorAtMs > 0
                ? locale.toString(QDateTime::fromMSecsSinceEpoch(summary.lastErrorAtMs),
                                  QLocale::ShortFormat)
                : QString();
        lines.append(at.isEmpty() ? tr("Last error: %1").arg(summary.lastError)
                                  : tr("Last error (%1): %2").arg(at, summary.lastError));
    }
    return lines.join(u'\n');
}

int ProviderTableModel::rowOf(const QString &providerId) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (m_config->providers.at(row).id == providerId)
            return row;
    }
    return -1;
}

QString ProviderTableModel::providerId(int row) const
{
    const ProviderSettings *settings = provider(row);
    return settings ? settings->id : QString();
}

const ProviderSettings *ProviderTableModel::provider(int row) const
{
    if (row < 0 || row >= rowCount())
        return nullptr;
    return &m_config->providers.at(row);
}

QString ProviderTableModel::describeKeys(const ProviderSettings &provider)
{
    const QList<SecretValue> &keys = provider.apiKeys;
    if (keys.isEmpty()) {
        // Local servers take no key; a remote one without a key is worth pointing out.
        const bool local =
            provider.kind == ProviderKind::Ollama || isLoopbackHost(provider.baseUrl.host());
        return local ? tr("not needed") : tr("none set");
    }
    const auto count = int(keys.size());
    int missing = 0;
    QString firstProblem;
    int fromKeychain = 0;
    for (const SecretValue &key : keys) {
        if (!key.isResolved()) {
            if (missing++ == 0)
                firstProblem = key.problem;
            continue;
        }
        if (SecretReference::parse(key.reference).source == SecretReference::Source::Keychain)
            ++fromKeychain;
    }
    if (missing > 0) {
        if (count == 1)
            return tr("missing: %1").arg(firstProblem);
        return tr("missing %1 of %2 keys: %3").arg(missing).arg(count).arg(firstProblem);
    }
    if (fromKeychain == count)
        return count == 1 ? tr("in keychain") : tr("%n keys in keychain", nullptr, count);
    if (fromKeychain == 0)
        return count == 1 ? tr("from environment") : tr("%n keys from environment", nullptr, count);
    return tr("%n keys from keychain and environment", nullptr, count);
}

QString ProviderTableModel::describeTest(const ProviderTestResult &result)
{
    switch (result.state) {
    case ProviderTestResult::State::NotTested:
        return tr("not tested");
    case ProviderTestResult::State::Running:
        return tr("testing…");
    case ProviderTestResult::State::Passed:
        return tr("OK: %n model(s)", nullptr, result.modelCount);
    case ProviderTestResult::State::Failed:
        return tr("failed: %1").arg(result.message);
    }
    return {};
}

void ProviderTableModel::retranslate()
{
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, int(Column::Count) - 1);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, int(Column::Count) - 1));
}

} // namespace onegate
