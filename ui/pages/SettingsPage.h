#pragma once

#include "Page.h"
#include "UiServices.h"

#include <QJsonValue>
#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTimer;

namespace onegate {

struct Config;
struct ConfigApplyResult;
class BrowserAccessBox;
class OllamaSurfaceBox;

// Settings: where the gateway listens (address, port, LAN access, whether access keys
// are required; applied through ConfigEditor like every config edit), the Ollama-
// compatible port and the browser origins allowed (their own groups), and the window's
// own preferences that are not gateway config (language, theme, start at login, data
// folder, how long usage history is kept; stored in AppSettings).
class SettingsPage final : public Page {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPage)
public:
    // Asks for a folder; the default shows QFileDialog, tests answer it themselves.
    using FolderChooser =
        std::function<QString(QWidget *parent, const QString &title, const QString &start)>;

    explicit SettingsPage(const UiServices &services, QWidget *parent = nullptr);
    ~SettingsPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setFolderChooser(FolderChooser chooser) { m_chooseFolder = std::move(chooser); }
    // Scrolls to the "Browser access" group (from the tray's refused-origin message).
    void showBrowserAccess();

Q_SIGNALS:
    // How many days of usage history to keep changed (0 keeps it forever). The app hands
    // it to UsageRecorder::setRetentionDays(). Emitted once the value has settled, so
    // stepping through values with the arrows does not prune at each step.
    void usageRetentionChanged(int days);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    struct Listen {
        QString host;
        quint16 port = 0;
        bool authRequired = true;
        bool operator==(const Listen &) const = default;
    };

    void retranslate();
    void retranslateNetworkNotes();
    void setConfig(const std::shared_ptr<const Config> &config);
    Listen shownListen() const;
    void showListen(const Listen &listen);
    void updateNetworkState();
    void applyNetwork();
    void onConfigApplied(const ConfigApplyResult &result);
    void chooseLanguage();
    void chooseTheme();
    void toggleAutostart(bool on);
    void changeDataFolder();
    void updateDataFolderNote();
    static QString listenText(const QString &host, quint16 port);

    UiServices m_services;
    Listen m_saved; // what the config holds
    bool m_haveConfig = false;
    FolderChooser m_chooseFolder;
    // Set between applying a new listen address and the gateway's answer: a failed
    // rebind is then explained, and the file's "listen" put back to what still serves.
    bool m_awaitingListen = false;
    QJsonValue m_listenBefore; // the document's "listen" before that apply
    Listen m_servingBefore;    // the address serving before that apply
    QString m_requestedListen;
    // While the file's "listen" is put back, the fields keep what the user typed.
    bool m_keepInput = false;
    QString m_languageProblem;
    // The network status line, rebuilt on a language change.
    std::function<QString()> m_networkStatusText;

    QLabel *m_heading;
    QGroupBox *m_networkGroup;
    QLabel *m_hostLabel;
    QLineEdit *m_host;
    QLabel *m_portLabel;
    QSpinBox *m_port;
    QCheckBox *m_lan;
    QLabel *m_lanWarning;
    QCheckBox *m_auth;
    QLabel *m_authNote;
    QPushButton *m_apply;
    QPushButton *m_revert;
    QLabel *m_networkStatus;
    OllamaSurfaceBox *m_ollamaBox;
    BrowserAccessBox *m_browserBox;
    QScrollArea *m_scroll;

    QGroupBox *m_appearanceGroup;
    QLabel *m_languageLabel;
    QComboBox *m_language;
    QLabel *m_languageNote;
    QLabel *m_themeLabel;
    QComboBox *m_theme;

    QGroupBox *m_startupGroup;
    QCheckBox *m_autostart;

    QGroupBox *m_dataGroup;
    QLabel *m_dataDirLabel;
    QLabel *m_dataDir;
    QPushButton *m_openDataDir;
    QPushButton *m_changeDataDir;
    QLabel *m_dataDirNote;
    QLabel *m_retentionLabel;
    QSpinBox *m_retention;
    QLabel *m_retentionNote;
    QTimer *m_retentionSettle;
};

} // namespace onegate
