#pragma once

#include <QAbstractTableModel>
#include <QStringList>

namespace onegate {

struct Config;

// The models one access key may use, as a checklist of every served model (the ids
// ModelRouter serves, so the list matches GET /v1/models). Ids the allowlist names that
// are not served right now ("provider-id/model", or a model since removed) are listed
// after them so they can be unchecked. With "*" every model is allowed, including ones
// added later; the list then shows everything checked and cannot be edited.
class AccessKeyAllowlistModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeyAllowlistModel)
public:
    enum class Column { Model, Count };

    explicit AccessKeyAllowlistModel(QObject *parent = nullptr);

    // Shows the allowlist of `keyName` (nothing when the config has no such key).
    void setKey(const Config &config, const QString &keyName);
    QString keyName() const { return m_keyName; }
    QStringList allowlist() const { return m_allowlist; }
    bool allowsAll() const;
    // Switching "*" off starts from every served model, so nothing is lost by the switch.
    void setAllowsAll(bool all);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // The user changed the allowlist; allowlist() has the new one.
    void edited();

private:
    void change(const QStringList &allowlist);

    QString m_keyName;
    QStringList m_served;
    QStringList m_unserved; // in the allowlist, not served
    QStringList m_allowlist;
};

} // namespace onegate
