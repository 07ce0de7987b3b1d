#include "ProviderModelChoiceModel.h"

namespace onegate {

ProviderModelChoiceModel::ProviderModelChoiceModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int ProviderModelChoiceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_choices.size());
}

int ProviderModelChoiceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(Column::Count);
}

QVariant ProviderModelChoiceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Choice &choice = m_choices.at(index.row());
    switch (Column(index.column())) {
    case Column::Model:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return choice.model;
        if (role == Qt::CheckStateRole)
            return choice.checked ? Qt::Checked : Qt::Unchecked;
        break;
    case Column::Note:
        if ((role == Qt::DisplayRole || role == Qt::ToolTipRole) && !choice.listed)
            return tr("served now, but the provider no longer lists it");
        break;
    case Column::Count:
        break;
    }
    return {};
}

bool ProviderModelChoiceModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        index.column() != int(Column::Model) || role != Qt::CheckStateRole)
        return false;
    setChecked(index.row(), value.value<Qt::CheckState>() == Qt::Checked);
    return true;
}

Qt::ItemFlags ProviderModelChoiceModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == int(Column::Model))
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant ProviderModelChoiceModel::headerData(int section, Qt::Orientation orientation,
                                              int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Column::Model:
        return tr("Model");
    case Column::Note:
        return tr("Note");
    case Column::Count:
        break;
    }
    return {};
}

void ProviderModelChoiceModel::setChoices(const QStringList &listed, const QStringList &served)
{
    beginResetModel();
    m_choices.clear();
    for (const QString &model : listed)
        m_choices.append({model, true, served.contains(model)});
    for (const QString &model : served) {
        if (!listed.contains(model))
            m_choices.append({model, false, true});
    }
    endResetModel();
}

QString ProviderModelChoiceModel::modelAt(int row) const
{
    return row >= 0 && row < m_choices.size() ? m_choices.at(row).model : QString();
}

bool ProviderModelChoiceModel::isChecked(int row) const
{
    return row >= 0 && row < m_choices.size() && m_choices.at(row).checked;
}

void ProviderModelChoiceModel::setChecked(int row, bool checked)
{
    if (row < 0 || row >= m_choices.size() || m_choices.at(row).checked == checked)
        return;
    m_choices[row].checked = checked;
    const QModelIndex cell = index(row, int(Column::Model));
    Q_EMIT dataChanged(cell, cell, {Qt::CheckStateRole});
}

QStringList ProviderModelChoiceModel::checkedModels() const
{
    QStringList models;
    for (const Choice &choice : m_choices) {
        if (choice.checked)
            models.append(choice.model);
    }
    return models;
}

void ProviderModelChoiceModel::retranslate()
{
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, int(Column::Count) - 1);
    if (!m_choices.isEmpty())
        Q_EMIT dataChanged(index(0, int(Column::Note)), index(rowCount() - 1, int(Column::Note)));
}

} // namespace onegate
