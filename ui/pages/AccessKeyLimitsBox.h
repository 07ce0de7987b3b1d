#pragma once

#include "UiServices.h"
#include "config/Config.h"
#include "limits/LimitLedger.h"

#include <QDateTime>
#include <QGroupBox>
#include <optional>

class QCheckBox;
class QDateTimeEdit;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace onegate {

// The Access keys page's "Limits" group for the selected key: requests and tokens per
// minute, requests at once, a monthly budget with its warning threshold, and an expiry
// (shown in local time, saved in UTC). Beside each limit, the key's use of it as the
// gateway last reported it (setStanding).
//
// Edits are saved with the Save button, not as typed: a number typed digit by digit
// passes through smaller ones ("2", "20" on the way to "200"), and each would be a real
// limit in the running gateway; a budget of "5" on the way to "50" could stop the key and
// raise a tray alert. Save goes through AccessKeyEditor::setLimits (ConfigEditor::apply);
// a change the parser refuses stays on screen as typed, with the parser's message.
class AccessKeyLimitsBox final : public QGroupBox {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeyLimitsBox)
public:
    explicit AccessKeyLimitsBox(const UiServices &services, QWidget *parent = nullptr);

    // Shows `name`'s saved limits (an empty name: no key selected, the group is disabled).
    // The same key with the same saved limits (the config changed elsewhere) keeps an
    // edit that is not saved yet; anything else refills the form.
    void setKey(const QString &name, const AccessKeyLimits &saved);
    QString keyName() const { return m_keyName; }
    // The key's use now, from the gateway; nothing before its first answer.
    void setStanding(const std::optional<KeyStanding> &standing);

    // The limits as the form shows them. The form rounds (to minutes, whole percents,
    // cents): a field the user left alone keeps its saved value exactly.
    AccessKeyLimits limits() const;
    bool isModified() const;

    void save();
    void revert();

protected:
    void changeEvent(QEvent *event) override;

private:
    // What the widgets hold, compared to tell an edit from what was loaded.
    struct Form {
        int rpm = 0;
        int tpm = 0;
        int maxConcurrent = 0;
        double budget = 0;
        int warnPercent = 0;
        bool expires = false;
        QDateTime expiry;
        friend bool operator==(const Form &, const Form &) = default;
    };

    void retranslate();
    void updateTitle();
    Form form() const;
    void fill(const AccessKeyLimits &limits);
    void onEdited();
    void updateState();
    void updateUse();

    UiServices m_services;
    QString m_keyName;
    AccessKeyLimits m_saved;
    Form m_loaded; // the widgets right after fill(m_saved)
    std::optional<KeyStanding> m_standing;

    QLabel *m_rpmLabel;
    QSpinBox *m_rpm;
    QLabel *m_rpmUse;
    QLabel *m_tpmLabel;
    QSpinBox *m_tpm;
    QLabel *m_tpmUse;
    QLabel *m_concurrentLabel;
    QSpinBox *m_concurrent;
    QLabel *m_concurrentUse;
    QLabel *m_budgetLabel;
    QDoubleSpinBox *m_budget;
    QLabel *m_budgetUse;
    QLabel *m_warnLabel;
    QSpinBox *m_warn;
    QProgressBar *m_budgetBar;
    QCheckBox *m_expires;
    QDateTimeEdit *m_expiry;
    QLabel *m_expiryUse;
    QLabel *m_unpriced;
    QLabel *m_status;
    QPushButton *m_revert;
    QPushButton *m_save;
};

} // namespace onegate
