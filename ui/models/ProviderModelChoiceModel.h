#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace onegate {

// The models a provider lists, each with a check box: checked ones are served. Models the
// provider serves today but no longer lists stay in the list (checked, with a note), so
// saving never drops one silently.
class ProviderModelChoiceModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderModelChoiceModel)
public:
    enum class Column { Model, Note, Count };

    explicit ProviderModelChoiceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // `listed` in the provider's order, then the served ones it did not list.
    void setChoices(const QStringList &listed, const QStringList &served);
    QString modelAt(int row) const;
    bool isChecked(int row) const;
    void setChecked(int row, bool checked);
    // In list order.
    QStringList checkedModels() const;

    void retranslate();

private:
    struct Choice {
        QString model;
        bool listed = true;
        bool checked = false;
    };
    QList<Choice> m_choices;
};

} // namespace onegate
