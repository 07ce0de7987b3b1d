#include "ModelListModel.h"

#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

using Column = ModelListModel::Column;

std::optional<PriceKind> priceKind(Column column)
{
    switch (column) {
    case Column::InputPrice:
        return PriceKind::Input;
    case Column::OutputPrice:
        return PriceKind::Output;
    case Column::CacheReadPrice:
        return PriceKind::CacheRead;
    case Column::CacheWritePrice:
        return PriceKind::CacheWrite;
    default:
        return std::nullopt;
    }
}

bool isNumberColumn(Column column)
{
    return column == Column::ContextWindow || priceKind(column).has_value();
}

// A number as the user reads it; anything else (text the parser refused) as it is.
QString formatNumber(const QJsonValue &value, bool forEditing)
{
    if (!value.isDouble())
        return value.isString() ? value.toString() : QString();
    QLocale locale;
    if (forEditing)
        locale.setNumberOptions(QLocale::OmitGroupSeparator);
    return locale.toString(value.toDouble(), 'f', QLocale::FloatingPointShortest);
}

QList<Route> sortedByPriority(QList<Route> routes)
{
    std::stable_sort(routes.begin(), routes.end(),
                     [](const Route &a, const Route &b) { return a.priority < b.priority; });
    return routes;
}

QStringList ids(const ModelDocument &document)
{
    QStringList result;
    for (const ModelEntry &entry : document.entries())
        result.append(entry.id);
    return result;
}

} // namespace

ModelListModel::ModelListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ModelListModel::setDocument(const QJsonObject &document)
{
    adopt(ModelDocument(document), false);
}

void ModelListModel::adopt(const ModelDocument &next, bool edit)
{
    if (ids(next) == ids(m_document)) {
        m_document = next;
        if (!m_document.entries().isEmpty()) {
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
        }
    } else {
        beginResetModel();
        m_document = next;
        endResetModel();
    }
    if (edit)
        Q_EMIT edited();
}

const ModelEntry *ModelListModel::entryAt(int row) const
{
    const QList<ModelEntry> &entries = m_document.entries();
    return row >= 0 && row < entries.size() ? &entries.at(row) : nullptr;
}

int ModelListModel::rowOf(const QString &id) const
{
    const QList<ModelEntry> &entries = m_document.entries();
    for (int row = 0; row < entries.size(); ++row) {
        if (entries.at(row).id == id)
            return row;
    }
    return -1;
}

void ModelListModel::setRoutes(const QString &id, const QList<Route> &routes)
{
    ModelDocument next = m_document;
    next.setRoutes(id, routes);
    adopt(next, true);
}

void ModelListModel::addAlias(const QString &id, const QString &alias)
{
    ModelDocument next = m_document;
    next.addAlias(id, alias);
    adopt(next, true);
}

void ModelListModel::removeAlias(const QString &alias)
{
    ModelDocument next = m_document;
    next.removeEntry(alias);
    adopt(next, true);
}

int ModelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_document.entries().size());
}

int ModelListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QString ModelListModel::routeSummary(const QList<Route> &routes)
{
    QStringList parts;
    for (const Route &route : sortedByPriority(routes))
        parts.append(route.provider + u'/' + route.model);
    return parts.join(u", "_s);
}

QVariant ModelListModel::displayValue(const ModelEntry &entry, Column column) const
{
    switch (column) {
    case Column::Model:
        return entry.id;
    case Column::Routes:
        return routeSummary(entry.routes);
    case Column::Aliases:
        return entry.aliases.join(u", "_s);
    case Column::ContextWindow:
        if (entry.contextWindow.isDouble())
            return QLocale().toString(qint64(entry.contextWindow.toDouble()));
        return formatNumber(entry.contextWindow, false);
    default:
        break;
    }
    if (const auto kind = priceKind(column))
        return formatNumber(entry.price(*kind), false);
    return {};
}

QVariant ModelListModel::editValue(const ModelEntry &entry, Column column) const
{
    if (column == Column::ContextWindow)
        return formatNumber(entry.contextWindow, true);
    if (const auto kind = priceKind(column))
        return formatNumber(entry.price(*kind), true);
    return displayValue(entry, column);
}

QVariant ModelListModel::data(const QModelIndex &index, int role) const
{
    const ModelEntry *entry = index.isValid() ? entryAt(index.row()) : nullptr;
    if (!entry || index.column() >= int(Column::Count))
        return {};
    const auto column = Column(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(*entry, column);
    case Qt::EditRole:
        return editValue(*entry, column);
    case Qt::CheckStateRole:
        if (column == Column::Model)
            return entry->enabled ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::TextAlignmentRole:
        if (isNumberColumn(column))
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        // A model that is turned off reads as such across the whole row.
        if (!entry->enabled)
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole:
        if (column == Column::Model) {
            if (!entry->enabled)
                return tr("%1 is turned off: clients cannot use it and GET /v1/models does not "
                          "list it.")
                    .arg(entry->id);
            return entry->isAlias
                       ? tr("%1 is an alias: OneGate sends its requests along the "
                            "routes shown.")
                             .arg(entry->id)
                       : tr("%1 is a model of the provider that lists it.").arg(entry->id);
        }
        if (column == Column::Routes) {
            QStringList lines;
            for (const Route &route : sortedByPriority(entry->routes)) {
                lines.append(tr("%1 at %2 (priority %3, weight %4)")
                                 .arg(route.model, route.provider)
                                 .arg(route.priority)
                                 .arg(route.weight));
            }
            return lines.join(u'\n');
        }
        return {};
    default:
        return {};
    }
}

bool ModelListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const ModelEntry *entry = index.isValid() ? entryAt(index.row()) : nullptr;
    if (!entry || !(flags(index) & (Qt::ItemIsEditable | Qt::ItemIsUserCheckable)))
        return false;
    const auto column = Column(index.column());
    const QString id = entry->id;
    ModelDocument next = m_document;
    if (column == Column::Model && role == Qt::CheckStateRole) {
        next.setEnabled(id, value.value<Qt::CheckState>() == Qt::Checked);
    } else if (column == Column::ContextWindow && role == Qt::EditRole) {
        next.setContextWindow(id, numberFromInput(value));
    } else if (const auto kind = priceKind(column); kind && role == Qt::EditRole) {
        next.setPrice(id, *kind, numberFromInput(value));
    } else {
        return false;
    }
    if (next.document() == m_document.document())
        return true;
    adopt(next, true);
    return true;
}

Qt::ItemFlags ModelListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    const auto column = Column(index.column());
    if (column == Column::Model)
        flags |= Qt::ItemIsUserCheckable;
    if (isNumberColumn(column))
        flags |= Qt::ItemIsEditable;
    return flags;
}

QVariant ModelListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= int(Column::Count))
        return QAbstractTableModel::headerData(section, orientation, role);
    const auto column = Column(section);
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Column::Model:
            return tr("Model");
        case Column::Routes:
            return tr("Routes");
        case Column::Aliases:
            return tr("Aliases");
        case Column::ContextWindow:
            return tr("Context window");
        case Column::InputPrice:
            return tr("Input");
        case Column::OutputPrice:
            return tr("Output");
        case Column::CacheReadPrice:
            return tr("Cache read");
        case Column::CacheWritePrice:
            return tr("Cache write");
        case Column::Count:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (column) {
        case Column::Model:
            return tr("Uncheck a model to stop serving it.");
        case Column::ContextWindow:
            return tr("The most tokens the model takes in one request.");
        case Column::InputPrice:
            return tr("Price per million input tokens.");
        case Column::OutputPrice:
            return tr("Price per million output tokens.");
        case Column::CacheReadPrice:
            return tr("Price per million tokens read from the prompt cache.");
        case Column::CacheWritePrice:
            return tr("Price per million tokens written to the prompt cache.");
        default:
            break;
        }
    } else if (role == Qt::TextAlignmentRole && isNumberColumn(column)) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

QJsonValue ModelListModel::numberFromInput(const QVariant &value)
{
    if (!value.isValid() || value.isNull())
        return QJsonValue(QJsonValue::Undefined);
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Float:
        return value.toDouble();
    default:
        break;
    }
    const QString text = value.toString().trimmed();
    if (text.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    bool ok = false;
    double number = QLocale().toDouble(text, &ok);
    if (!ok)
        number = QLocale::c().toDouble(text, &ok);
    return ok ? QJsonValue(number) : QJsonValue(text);
}

} // namespace onegate
