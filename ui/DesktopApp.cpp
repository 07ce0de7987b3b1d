#include "DesktopApp.h"

#include "GatewayService.h"
#include "MainWindow.h"
#include "SingleInstance.h"
#include "TrayController.h"
#include "UiServices.h"
#include "UserPrompts.h"
#include "config/ConfigEditor.h"
#include "models/AccessKeyUsageReader.h"
#include "config/ConfigParser.h"
#include "common/AppSettings.h"
#include "common/Autostart.h"
#include "common/UiLanguage.h"
#include "common/UiTheme.h"
#include "pages/AccessKeysPage.h"
#include "pages/PageFactory.h"
#include "pages/RefusedOriginsModel.h"
#include "pages/SettingsPage.h"
#include "secrets/KeychainSecretStore.h"
#include "usage/UsageRecorder.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QHostAddress>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>

namespace onegate {

namespace {

constexpr int kShutdownGraceMs = 3500;
// How often the tray's "requests today" is read again from usage.db.
constexpr int kUsageRefreshMs = 30'000;

// The snapshot the gateway runs: the saved config, with --listen applied for this run.
std::shared_ptr<const Config> runningConfig(const std::shared_ptr<const Config> &saved, const QString &listen)
{
    if (listen.isEmpty() || !saved)
        return saved;
    auto copy = std::make_shared<Config>(*saved);
    if (overrideListen(*copy, listen))
        return saved;  // already validated at startup; keep the file's address
    return copy;
}

QString endpointUrl(const Config &config, quint16 port)
{
    QString host = config.listenHost;
    if (host == QLatin1String("0.0.0.0") || host == QLatin1String("::"))
        host = QStringLiteral("127.0.0.1");
    if (QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2/v1").arg(host).arg(port);
}

// Everything the desktop app owns, in construction order (destroyed in reverse).
class Desktop final : public QObject {
    Q_OBJECT
public:
    explicit Desktop(const DesktopOptions &options)
        : m_options(options)
        , m_instance(options.configPath)
        , m_editor(options.configPath, &m_keychain)
        , m_usageReader(QDir(options.dataDir).filePath(QStringLiteral("usage.db")))
    {
    }

    int run()
    {
        if (m_instance.notifyRunningInstance())
            return 0;
        m_instance.listen();

        const ConfigResult loaded = m_editor.load();
        if (!loaded.ok()) {
            QMessageBox::critical(nullptr, tr("OneGate"),
                                  tr("OneGate cannot start because its config file has an error:\n\n%1")
                                      .arg(loaded.error.toString()));
            return 2;
        }
        if (!m_options.listen.isEmpty()) {
            Config probe = *m_editor.config();
            if (const auto error = overrideListen(probe, m_options.listen)) {
                QMessageBox::critical(nullptr, tr("OneGate"), error->toString());
                return 2;
            }
        }
        const QString usageError = m_usage.open(QDir(m_options.dataDir).filePath(QStringLiteral("usage.db")));
        if (!usageError.isEmpty()) {
            QMessageBox::critical(nullptr, tr("OneGate"),
                                  tr("OneGate cannot open its usage database: %1").arg(usageError));
            return 1;
        }

        // The user's own preferences come before the first window is built, so every
        // page starts in the chosen language and theme.
        const AppSettings preferences;
        UiLanguage::apply(preferences.language());
        applyTheme(preferences.theme());
        m_usage.setRetentionDays(preferences.usageRetentionDays());

        m_services = UiServices{&m_editor, &m_keychain, &m_gateway, &m_prompts, m_options.dataDir, &m_refusedOrigins};
        for (Page *page : createPages(m_services)) {
            if (auto *settings = qobject_cast<SettingsPage *>(page)) {
                connect(settings, &SettingsPage::usageRetentionChanged, &m_usage, [this](int days) { m_usage.setRetentionDays(days); });
                m_settingsPage = settings;
            }
            m_window.addPage(page);
        }

        connectBudgetAlerts();  // before the start, which tells of keys already past a level
        startGateway();
        connectTray();
        connectRefusedOrigins();
        connect(&m_editor, &ConfigEditor::changed, this, [this](const std::shared_ptr<const Config> &config) {
            m_gateway.applyConfig(runningConfig(config, m_options.listen));
            m_tray.setAccessKeyNames(accessKeyNames());
        });
        connect(&m_editor, &ConfigEditor::externalEditRejected, this, [this](const ConfigError &error) {
            m_prompts.warning(&m_window, tr("OneGate"),
                              tr("config.json was changed outside OneGate, but the change has an error and "
                                 "was not applied:\n\n%1").arg(error.toString()));
        });
        connect(&m_gateway, &GatewayService::configApplied, this, [this](const ConfigApplyResult &result) {
            onConfigApplied(result);
        });
        connect(&m_instance, &SingleInstance::activationRequested, &m_window, &MainWindow::raiseToFront);
        connect(&m_window, &MainWindow::closedToTray, this, [this] { onWindowClosed(); });

        m_window.show();
        return QApplication::exec();
    }

private:
    void startGateway()
    {
        const auto config = runningConfig(m_editor.config(), m_options.listen);
        const ListenResult result = m_gateway.start(config, &m_usage);
        if (result.ok()) {
            m_port = result.port;
            m_gatewayError.clear();
            updateTray();
        } else {
            m_gatewayError = result.error;
            updateTray();
            m_prompts.warning(&m_window, tr("OneGate"),
                              tr("The gateway could not start: %1\nChange the port on the Settings page.")
                                  .arg(result.error));
        }
    }

    void onConfigApplied(const ConfigApplyResult &result)
    {
        if (result.listenChanged && result.listen.ok())
            m_port = result.listen.port;
        m_gatewayError = result.ok() ? QString() : (result.error.isEmpty() ? result.listen.error : result.error);
        updateTray();
    }

    // One status line for the tray: where OneGate listens and how busy it was today.
    void updateTray()
    {
        if (!m_gatewayError.isEmpty()) {
            m_tray.setState(TrayController::State::Error, m_gatewayError);
            return;
        }
        const QString where = endpointUrl(*m_editor.config(), m_port);
        const QString line = tr("%1 · %n request(s) today", nullptr, int(m_requestsToday)).arg(where);
        m_tray.setState(m_paused ? TrayController::State::Paused : TrayController::State::Running,
                        m_paused ? tr("Paused · %1").arg(line) : line);
    }

    void refreshRequestsToday()
    {
        QStringList names = accessKeyNames();
        names.append(QStringLiteral("anonymous"));  // requests while auth is off
        m_usageReader.refresh(names);
    }

    QStringList accessKeyNames() const
    {
        QStringList names;
        for (const AccessKey &key : m_editor.config()->accessKeys) {
            if (key.key.isResolved())
                names.append(key.name);
        }
        return names;
    }

    void connectTray()
    {
        m_tray.setAccessKeyNames(accessKeyNames());
        connect(&m_tray, &TrayController::openRequested, &m_window, &MainWindow::raiseToFront);
        connect(&m_tray, &TrayController::copyEndpointRequested, this, [this] {
            QApplication::clipboard()->setText(endpointUrl(*m_editor.config(), m_port));
        });
        connect(&m_tray, &TrayController::copyAccessKeyRequested, this, [this](const QString &name) {
            for (const AccessKey &key : m_editor.config()->accessKeys) {
                if (key.name == name)
                    QApplication::clipboard()->setText(QString::fromUtf8(key.key.value));
            }
        });
        connect(&m_tray, &TrayController::quitRequested, this, [this] { quit(); });
        m_tray.setStartAtLogin(Autostart::isEnabled());
        connect(&m_tray, &TrayController::startAtLoginRequested, this, [this](bool enabled) {
            const QString problem = enabled ? Autostart::enable() : Autostart::disable();
            if (!problem.isEmpty())
                m_prompts.warning(&m_window, tr("OneGate"), problem);
            m_tray.setStartAtLogin(Autostart::isEnabled());
        });
        connect(&m_tray, &TrayController::pauseRequested, this, [this](bool paused) {
            m_paused = paused;
            m_gateway.setPaused(paused);
            updateTray();
        });
        connect(&m_usageReader, &AccessKeyUsageReader::finished, this,
                [this](const AccessKeyUsageByName &usage, const QString &) {
                    qint64 total = 0;
                    for (const AccessKeyUsage &key : usage)
                        total += key.requestsToday;
                    m_requestsToday = total;
                    updateTray();
                });
        connect(&m_usageTimer, &QTimer::timeout, this, [this] { refreshRequestsToday(); });
        m_usageTimer.start(kUsageRefreshMs);
        refreshRequestsToday();
        if (TrayController::isAvailable())
            m_tray.show();
    }

    // Every refused browser origin goes to the list in Settings; the first refusal of each
    // is also told in the tray, so the user learns why that page or app fails to connect.
    void connectRefusedOrigins()
    {
        connect(&m_gateway, &GatewayService::originRefused, &m_refusedOrigins, &RefusedOriginsModel::record);
        connect(&m_refusedOrigins, &RefusedOriginsModel::firstRefused, &m_tray, &TrayController::notifyRefusedOrigin);
        connect(&m_tray, &TrayController::refusedOriginsRequested, this, [this] {
            m_window.raiseToFront();
            for (int i = 0; i < m_window.pageCount(); ++i) {
                if (m_window.page(i) == m_settingsPage) {
                    m_window.showPage(i);
                    m_settingsPage->showBrowserAccess();
                }
            }
        });
    }

    // A key's spending past its warning share or its budget is told in the tray; clicking
    // the balloon shows the Access keys page, where its limits are.
    void connectBudgetAlerts()
    {
        connect(&m_gateway, &GatewayService::budgetAlert, &m_tray, &TrayController::notifyBudget);
        connect(&m_tray, &TrayController::accessKeysRequested, this, [this] {
            m_window.raiseToFront();
            for (int i = 0; i < m_window.pageCount(); ++i) {
                if (qobject_cast<AccessKeysPage *>(m_window.page(i)))
                    m_window.showPage(i);
            }
        });
    }

    void onWindowClosed()
    {
        if (!TrayController::isAvailable()) {
            quit();  // no tray to live in: closing the window ends the app
            return;
        }
        QSettings settings;
        if (!settings.value(QStringLiteral("ui/toldAboutTray")).toBool()) {
            settings.setValue(QStringLiteral("ui/toldAboutTray"), true);
            m_tray.notify(tr("OneGate is still running"),
                          tr("The gateway keeps serving in the background. Use the tray icon to open "
                                      "the window or to quit."));
        }
    }

    void quit()
    {
        if (m_quitting)
            return;
        m_quitting = true;
        if (!m_gateway.isRunning()) {
            QApplication::quit();
            return;
        }
        connect(&m_gateway, &GatewayService::stopped, this, [] { QApplication::quit(); });
        m_gateway.shutdown(kShutdownGraceMs);
    }

    DesktopOptions m_options;
    SingleInstance m_instance;
    KeychainSecretStore m_keychain;
    ConfigEditor m_editor;
    UsageRecorder m_usage;
    GatewayService m_gateway;
    MessageBoxPrompts m_prompts;
    RefusedOriginsModel m_refusedOrigins;  // before the pages that show it
    UiServices m_services;
    MainWindow m_window;
    TrayController m_tray;
    SettingsPage *m_settingsPage = nullptr;  // owned by m_window
    AccessKeyUsageReader m_usageReader;
    QTimer m_usageTimer;
    QString m_gatewayError;
    qint64 m_requestsToday = 0;
    quint16 m_port = 0;
    bool m_paused = false;
    bool m_quitting = false;
};

} // namespace

int runDesktop(const DesktopOptions &options)
{
    QApplication::setQuitOnLastWindowClosed(false);
    Desktop desktop(options);
    return desktop.run();
}

} // namespace onegate

#include "DesktopApp.moc"
