#pragma once

#include "Page.h"
#include "UiServices.h"
#include "models/AccessKeyEditor.h"

class QGroupBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QRadioButton;
class QTableView;
class QTimer;

namespace onegate {

class AccessKeyAllowlistModel;
class AccessKeyLimitsBox;
class AccessKeyListModel;
class AccessKeyUsageReader;

// One key per client: create (shown once, kept in the keychain), copy again, revoke,
// choose which models each key may use, and set its limits (AccessKeyLimitsBox). When
// each key was last used and how many requests it made today come from usage.db, read
// off the window's thread while the page is visible, every 30 seconds. Where each key
// stands against its limits (requests and tokens this minute, requests in flight, money
// spent this month) comes from the running gateway (GatewayService::fetchKeyStandings),
// asked every few seconds while the page is visible and answered without blocking.
class AccessKeysPage final : public Page {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AccessKeysPage)
public:
    explicit AccessKeysPage(const UiServices &services, QWidget *parent = nullptr);
    ~AccessKeysPage() override;

    QString title() const override;
    // Asks the gateway where each key stands now (also done every kStandingsRefreshMs
    // while the page is visible, and after each config the gateway applies).
    void refreshStandings();
    static constexpr int kUsageRefreshMs = 30'000;
    // Requests in the last minute change quickly: asking the gateway is cheap (no SQL).
    static constexpr int kStandingsRefreshMs = 3'000;

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void retranslate();
    void reload();
    void selectKey(const QString &name);
    void updateSelection();
    void createKey();
    void copyKey();
    void revokeKey();
    void saveAllowlist();
    void refreshUsage();

    UiServices m_services;
    AccessKeyEditor m_editor;
    AccessKeyListModel *m_keys;
    AccessKeyAllowlistModel *m_allowlist;
    AccessKeyUsageReader *m_usage;
    QTimer *m_usageTimer;
    QTimer *m_standingsTimer;
    QString m_selectedName;

    QLabel *m_heading;
    QLabel *m_intro;
    QLabel *m_authNote;
    QLabel *m_nameLabel;
    QLineEdit *m_nameEdit;
    QPushButton *m_create;
    QLabel *m_empty;
    QTableView *m_table;
    QPushButton *m_copy;
    QPushButton *m_revoke;
    QLabel *m_status;
    QGroupBox *m_allowGroup;
    QRadioButton *m_allModels;
    QRadioButton *m_someModels;
    QListView *m_allowView;
    AccessKeyLimitsBox *m_limits;
};

} // namespace onegate
