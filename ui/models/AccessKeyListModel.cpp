#include "AccessKeyListModel.h"

#include "Gateway.h"
#include "common/SecretMask.h"
#include "models/AccessKeyLimitsText.h"
#include "secrets/SecretReference.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace onegate {

AccessKeyListModel::AccessKeyListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void AccessKeyListModel::setConfig(const Config &config)
{
    QList<Row> rows;
    for (const AccessKey &key : config.accessKeys) {
        Row row;
        row.name = key.name;
        const SecretReference reference = SecretReference::parse(key.key.reference);
        if (reference.source == SecretReference::Source::Environment)
            row.environmentVariable = reference.name;
        if (key.key.isResolved())
            row.masked = maskSecret(key.key.value);
        row.problem = key.key.problem;
        row.models = key.models;
        row.limits = key.limits;
        rows.append(row);
    }
    QStringList nextNames;
    for (const Row &row : std::as_const(rows))
        nextNames.append(row.name);
    if (nextNames == names()) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

void AccessKeyListModel::setUsage(const AccessKeyUsageByName &usage, const QString &error)
{
    m_usage = usage;
    m_usageError = error;
    m_usageKnown = true;
    if (!m_rows.isEmpty()) {
        Q_EMIT dataChanged(index(0, int(Column::LastUsed)),
                           index(rowCount() - 1, int(Column::RequestsToday)));
    }
}

void AccessKeyListModel::setStandings(const QList<KeyStandingRow> &standings)
{
    m_standings.clear();
    for (const KeyStandingRow &row : standings)
        m_standings.insert(row.name, row.standing);
    m_standingsKnown = true;
    if (!m_rows.isEmpty()) {
        // Limits too: an expiry turns into "expired" as time passes.
        Q_EMIT dataChanged(index(0, int(Column::Limits)),
                           index(rowCount() - 1, int(Column::ThisMonth)));
    }
}

AccessKeyLimits AccessKeyListModel::limitsOf(const QString &name) const
{
    const int row = rowOf(name);
    return row >= 0 ? m_rows.at(row).limits : AccessKeyLimits{};
}

std::optional<KeyStanding> AccessKeyListModel::standingOf(const QString &name) const
{
    const auto found = m_standings.constFind(name);
    if (!m_standingsKnown || found == m_standings.cend())
        return std::nullopt;
    return *found;
}

QStringList AccessKeyListModel::names() const
{
    QStringList result;
    for (const Row &row : m_rows)
        result.append(row.name);
    return result;
}

QString AccessKeyListModel::nameAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).name : QString();
}

int AccessKeyListModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).name == name)
            return row;
    }
    return -1;
}

int AccessKeyListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AccessKeyListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant AccessKeyListModel::display(const Row &row, Column column) const
{
    switch (column) {
    case Column::Name:
        return row.name;
    case Column::Key:
        // Where it comes from is in the tool tip: a variable name would crowd the table.
        return row.masked.isEmpty() ? tr("Unavailable") : row.masked;
    case Column::Models:
        if (row.models.contains(u"*"_s))
            return tr("All models");
        if (row.models.isEmpty())
            return tr("No models");
        return row.models.join(u", "_s);
    case Column::Limits:
        return AccessKeyLimitsText::summary(row.limits, QDateTime::currentMSecsSinceEpoch());
    case Column::ThisMonth: {
        const auto standing = standingOf(row.name);
        return standing ? AccessKeyLimitsText::monthSpend(row.limits, *standing) : QString();
    }
    case Column::LastUsed: {
        if (!m_usageKnown || !m_usageError.isEmpty())
            return QString();
        const qint64 ms = m_usage.value(row.name).lastUsedMs;
        if (ms <= 0)
            return tr("Never");
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(ms);
        const QLocale locale;
        if (when.date() == QDate::currentDate())
            return tr("Today at %1").arg(locale.toString(when.time(), QLocale::ShortFormat));
        return locale.toString(when, QLocale::ShortFormat);
    }
    case Column::RequestsToday:
        if (!m_usageKnown || !m_usageError.isEmpty())
            return QString();
        return QLocale().toString(m_usage.value(row.name).requestsToday);
    case Column::Count:
        break;
    }
    return {};
}

bool AccessKeyListModel::isStopped(const Row &row, Column column) const
{
    if (column == Column::Limits)
        return row.limits.expiresMs != 0 &&
               QDateTime::currentMSecsSinceEpoch() >= row.limits.expiresMs;
    if (column == Column::ThisMonth) {
        const auto standing = standingOf(row.name);
        return standing && row.limits.monthlyBudget > 0 &&
               standing->spentThisMonth >= row.limits.monthlyBudget;
    }
    return false;
}

QVariant AccessKeyListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= int(Column::Count))
        return {};
    const Row &row = m_rows.at(index.row());
    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case Qt::ToolTipRole:
        if (column == Column::Key) {
            if (row.masked.isEmpty())
                return tr("This key admits no one: %1").arg(row.problem);
            if (row.environmentVariable.isEmpty())
                return tr("Kept in the system keychain. Select the key and click Copy key to "
                          "copy it again.");
            return tr("Read from the environment variable %1 when OneGate starts.")
                .arg(row.environmentVariable);
        }
        if ((column == Column::LastUsed || column == Column::RequestsToday) &&
            !m_usageError.isEmpty())
            return tr("The usage database could not be read: %1").arg(m_usageError);
        if (column == Column::ThisMonth) {
            const auto standing = standingOf(row.name);
            if (!standing)
                return {};
            const QString unpriced = AccessKeyLimitsText::unpriced(*standing);
            const QString spending = AccessKeyLimitsText::spending(row.limits, *standing);
            return unpriced.isEmpty() ? spending : spending + u'\n' + unpriced;
        }
        return {};
    case Qt::ForegroundRole:
        // The same red as the Providers page uses for a key that cannot be resolved.
        if ((column == Column::Key && row.masked.isEmpty()) || isStopped(row, column))
            return QColor(0xc0, 0x39, 0x2b);
        return {};
    case Qt::TextAlignmentRole:
        if (column == Column::RequestsToday || column == Column::ThisMonth)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant AccessKeyListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 &&
        section < int(Column::Count)) {
        switch (Column(section)) {
        case Column::Name:
            return tr("Name");
        case Column::Key:
            return tr("Key");
        case Column::Models:
            return tr("Models");
        case Column::Limits:
            return tr("Limits");
        case Column::ThisMonth:
            return tr("This month");
        case Column::LastUsed:
            return tr("Last used");
        case Column::RequestsToday:
            return tr("Requests today");
        case Column::Count:
            break;
        }
    }
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        if (section == int(Column::Limits))
            return tr("Select a key to change its limits below the table.");
        if (section == int(Column::ThisMonth))
            return tr("Spent this calendar month (UTC), at the model prices on the Models page.");
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

Qt::ItemFlags AccessKeyListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

} // namespace onegate
