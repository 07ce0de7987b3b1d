#pragma once

#include <QDialog>
#include <QStringList>
#include <functional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace onegate {

class ProviderModelChoiceModel;

// After "Fetch models": the provider's list with a check box each, to choose which
// models OneGate serves. A filter helps with long lists (OpenRouter lists hundreds).
// OK hands the checked models to `commit`; the dialog closes only when that succeeded.
class ModelPickerDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelPickerDialog)
public:
    using Commit = std::function<bool(const QStringList &)>;

    ModelPickerDialog(const QString &providerId, const QStringList &listed,
                      const QStringList &served, Commit commit, QWidget *parent = nullptr);

    ProviderModelChoiceModel *choices() const { return m_choices; }
    void setFilter(const QString &text);
    // Checks or unchecks every model the filter shows.
    void setShownChecked(bool checked);
    void submit();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateCount();

    QString m_providerId;
    Commit m_commit;
    ProviderModelChoiceModel *m_choices;
    QSortFilterProxyModel *m_filtered;
    QLabel *m_intro;
    QLineEdit *m_filter;
    QTableView *m_view;
    QPushButton *m_checkShown;
    QPushButton *m_uncheckShown;
    QLabel *m_count;
    QDialogButtonBox *m_buttons;
};

} // namespace onegate
