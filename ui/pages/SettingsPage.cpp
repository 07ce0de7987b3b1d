#include "pages/SettingsPage.h"

#include "common/PageHeading.h"

#include "GatewayService.h"
#include "UserPrompts.h"
#include "common/AppSettings.h"
#include "common/Autostart.h"
#include "common/UiLanguage.h"
#include "common/UiTheme.h"
#include "config/ConfigEditor.h"
#include "config/ListenAddress.h"
#include "pages/BrowserAccessBox.h"
#include "pages/OllamaSurfaceBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr auto kLoopback = "127.0.0.1";
constexpr auto kAnyAddress = "0.0.0.0";
constexpr int kRetentionSettleMs = 1500;

QLabel *noteLabel()
{
    QLabel *label = createWrappingLabel();
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.92);
    label->setFont(font);
    return label;
}

QString defaultChooseFolder(QWidget *parent, const QString &title, const QString &start)
{
    return QFileDialog::getExistingDirectory(parent, title, start);
}

} // namespace

SettingsPage::SettingsPage(const UiServices &services, QWidget *parent)
    : Page(parent)
    , m_services(services)
    , m_chooseFolder(defaultChooseFolder)
    , m_heading(createPageHeading())
    , m_networkGroup(new QGroupBox)
    , m_hostLabel(new QLabel)
    , m_host(new QLineEdit)
    , m_portLabel(new QLabel)
    , m_port(new QSpinBox)
    , m_lan(new QCheckBox)
    , m_lanWarning(noteLabel())
    , m_auth(new QCheckBox)
    , m_authNote(noteLabel())
    , m_apply(new QPushButton)
    , m_revert(new QPushButton)
    , m_networkStatus(noteLabel())
    , m_ollamaBox(new OllamaSurfaceBox(services))
    , m_browserBox(new BrowserAccessBox(services))
    , m_scroll(new QScrollArea)
    , m_appearanceGroup(new QGroupBox)
    , m_languageLabel(new QLabel)
    , m_language(new QComboBox)
    , m_languageNote(noteLabel())
    , m_themeLabel(new QLabel)
    , m_theme(new QComboBox)
    , m_startupGroup(new QGroupBox)
    , m_autostart(new QCheckBox)
    , m_dataGroup(new QGroupBox)
    , m_dataDirLabel(new QLabel)
    , m_dataDir(new QLabel)
    , m_openDataDir(new QPushButton)
    , m_changeDataDir(new QPushButton)
    , m_dataDirNote(noteLabel())
    , m_retentionLabel(new QLabel)
    , m_retention(new QSpinBox)
    , m_retentionNote(noteLabel())
    , m_retentionSettle(new QTimer(this))
{
    m_host->setObjectName(u"hostEdit"_s);
    m_port->setObjectName(u"portSpin"_s);
    m_lan->setObjectName(u"lanCheck"_s);
    m_lanWarning->setObjectName(u"lanWarning"_s);
    m_auth->setObjectName(u"authCheck"_s);
    m_authNote->setObjectName(u"authNote"_s);
    m_apply->setObjectName(u"applyNetwork"_s);
    m_revert->setObjectName(u"revertNetwork"_s);
    m_networkStatus->setObjectName(u"networkStatus"_s);
    m_language->setObjectName(u"languageCombo"_s);
    m_languageNote->setObjectName(u"languageNote"_s);
    m_theme->setObjectName(u"themeCombo"_s);
    m_autostart->setObjectName(u"autostartCheck"_s);
    m_dataDir->setObjectName(u"dataDir"_s);
    m_openDataDir->setObjectName(u"openDataDir"_s);
    m_changeDataDir->setObjectName(u"changeDataDir"_s);
    m_dataDirNote->setObjectName(u"dataDirNote"_s);
    m_retention->setObjectName(u"retentionSpin"_s);
    m_retentionNote->setObjectName(u"retentionNote"_s);


    // Network. The port is 0 (any free port) only if the file says so: clients need a
    // fixed one, so the arrows never lead there from a real port.
    m_host->setMaximumWidth(260);
    m_port->setRange(0, 65535);
    m_port->setMaximumWidth(140);
    m_port->setGroupSeparatorShown(false);
    // A red that stays readable on the light and the dark palette alike.
    m_lanWarning->setStyleSheet(u"QLabel { color: #d9453b; }"_s);
    m_hostLabel->setBuddy(m_host);
    m_portLabel->setBuddy(m_port);
    auto *networkButtons = new QHBoxLayout;
    networkButtons->addWidget(m_apply);
    networkButtons->addWidget(m_revert);
    networkButtons->addStretch(1);
    auto *network = new QFormLayout(m_networkGroup);
    network->addRow(m_hostLabel, m_host);
    network->addRow(m_portLabel, m_port);
    network->addRow(m_lan);
    network->addRow(m_lanWarning);
    network->addRow(m_auth);
    network->addRow(m_authNote);
    network->addRow(networkButtons);
    network->addRow(m_networkStatus);

    // Appearance.
    m_language->setMaximumWidth(320);
    m_theme->setMaximumWidth(320);
    m_languageLabel->setBuddy(m_language);
    m_themeLabel->setBuddy(m_theme);
    m_language->addItem(QString(), QString());
    for (const UiLanguage::Choice &choice : UiLanguage::choices())
        m_language->addItem(choice.nativeName, choice.locale);
    m_theme->addItem(QString(), int(AppTheme::System));
    m_theme->addItem(QString(), int(AppTheme::Light));
    m_theme->addItem(QString(), int(AppTheme::Dark));
    auto *appearance = new QFormLayout(m_appearanceGroup);
    appearance->addRow(m_languageLabel, m_language);
    appearance->addRow(m_languageNote);
    appearance->addRow(m_themeLabel, m_theme);

    // Startup.
    auto *startup = new QVBoxLayout(m_startupGroup);
    startup->addWidget(m_autostart);

    // Data.
    m_dataDir->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_dataDir->setWordWrap(true);
    m_retention->setRange(0, AppSettings::kMaxUsageRetentionDays);
    m_retention->setMaximumWidth(160);
    // Only a finished value counts: typing "180" must not mean 1, then 18 days first.
    m_retention->setKeyboardTracking(false);
    m_retentionLabel->setBuddy(m_retention);
    m_retentionSettle->setSingleShot(true);
    m_retentionSettle->setInterval(kRetentionSettleMs);
    auto *folderButtons = new QHBoxLayout;
    folderButtons->addWidget(m_openDataDir);
    folderButtons->addWidget(m_changeDataDir);
    folderButtons->addStretch(1);
    auto *dataForm = new QFormLayout(m_dataGroup);
    dataForm->addRow(m_dataDirLabel, m_dataDir);
    dataForm->addRow(QString(), folderButtons);
    dataForm->addRow(m_dataDirNote);
    dataForm->addRow(m_retentionLabel, m_retention);
    dataForm->addRow(m_retentionNote);

    auto *content = new QWidget;
    content->setMaximumWidth(760);
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(24, 20, 24, 20);
    column->setSpacing(14);
    column->addWidget(m_heading);
    column->addWidget(m_networkGroup);
    column->addWidget(m_ollamaBox);
    column->addWidget(m_browserBox);
    column->addWidget(m_appearanceGroup);
    column->addWidget(m_startupGroup);
    column->addWidget(m_dataGroup);
    column->addStretch(1);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);

    // Current values, before the signals are connected.
    const AppSettings settings;
    m_language->setCurrentIndex(qMax(0, m_language->findData(settings.language())));
    m_theme->setCurrentIndex(qMax(0, m_theme->findData(int(settings.theme()))));
    m_retention->setValue(settings.usageRetentionDays());
    m_autostart->setChecked(Autostart::isEnabled());
    m_dataDir->setText(QDir::toNativeSeparators(m_services.dataDir));

    connect(m_host, &QLineEdit::textEdited, this, [this] {
        const QString host = m_host->text().trimmed();
        const QSignalBlocker blocker(m_lan);
        m_lan->setChecked(!host.isEmpty() && !isLoopbackHost(host));
        updateNetworkState();
    });
    connect(m_port, &QSpinBox::valueChanged, this, [this] { updateNetworkState(); });
    connect(m_lan, &QCheckBox::toggled, this, [this](bool on) {
        m_host->setText(QString::fromLatin1(on ? kAnyAddress : kLoopback));
        updateNetworkState();
    });
    connect(m_auth, &QCheckBox::toggled, this, [this] { updateNetworkState(); });
    connect(m_apply, &QPushButton::clicked, this, [this] { applyNetwork(); });
    connect(m_revert, &QPushButton::clicked, this, [this] {
        showListen(m_saved);
        m_networkStatusText = {};
        updateNetworkState();
    });
    connect(m_language, &QComboBox::currentIndexChanged, this, [this] { chooseLanguage(); });
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this] { chooseTheme(); });
    connect(m_autostart, &QCheckBox::toggled, this, [this](bool on) { toggleAutostart(on); });
    connect(m_openDataDir, &QPushButton::clicked, this, [this] {
        QDir().mkpath(m_services.dataDir);
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_services.dataDir));
    });
    connect(m_changeDataDir, &QPushButton::clicked, this, [this] { changeDataFolder(); });
    connect(m_retention, &QSpinBox::valueChanged, this, [this] { m_retentionSettle->start(); });
    connect(m_retentionSettle, &QTimer::timeout, this, [this] {
        AppSettings().setUsageRetentionDays(m_retention->value());
        Q_EMIT usageRetentionChanged(m_retention->value());
    });
    if (m_services.config) {
        connect(m_services.config, &ConfigEditor::changed, this,
                [this](const std::shared_ptr<const Config> &config) { setConfig(config); });
    }
    if (m_services.gateway) {
        connect(m_services.gateway, &GatewayService::configApplied, this,
                [this](const ConfigApplyResult &result) { onConfigApplied(result); });
    }

    retranslate();
    setConfig(m_services.config ? m_services.config->config() : nullptr);
}

SettingsPage::~SettingsPage()
{
    // A value still settling is the user's last word: keep it.
    if (m_retentionSettle->isActive())
        AppSettings().setUsageRetentionDays(m_retention->value());
}

QString SettingsPage::title() const
{
    return tr("Settings");
}

QIcon SettingsPage::icon() const
{
    return QIcon::fromTheme(u"preferences-system"_s);
}

void SettingsPage::showBrowserAccess()
{
    // The group's top at the top of the view (ensureWidgetVisible() stops once its bottom
    // shows, hiding the title), with the layout settled in case the window was hidden.
    QLayout *column = m_scroll->widget()->layout();
    column->activate();
    m_scroll->verticalScrollBar()->setValue(m_browserBox->y() - column->spacing());
}

void SettingsPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    Page::changeEvent(event);
}

void SettingsPage::showEvent(QShowEvent *event)
{
    // The tray menu toggles the same entry; show what is on disk now.
    const QSignalBlocker blocker(m_autostart);
    m_autostart->setChecked(Autostart::isEnabled());
    Page::showEvent(event);
}

void SettingsPage::retranslate()
{
    m_heading->setText(title());

    m_networkGroup->setTitle(tr("Network"));
    m_hostLabel->setText(tr("Listen &address:"));
    m_host->setPlaceholderText(QString::fromLatin1(kLoopback));
    m_portLabel->setText(tr("&Port:"));
    m_port->setSpecialValueText(tr("Any free port"));
    m_lan->setText(tr("Allow other devices on my network to connect (LAN access)"));
    m_lanWarning->setText(
        tr("Anyone who can reach this computer over the network can connect to "
           "OneGate. Access keys stay required: OneGate refuses to switch them off "
           "when it listens beyond this computer."));
    m_auth->setText(tr("Require an access key for every request"));
    m_apply->setText(tr("&Apply"));
    m_revert->setText(tr("&Revert"));

    m_appearanceGroup->setTitle(tr("Appearance"));
    m_languageLabel->setText(tr("&Language:"));
    m_language->setItemText(0, tr("System default"));
    m_themeLabel->setText(tr("&Theme:"));
    m_theme->setItemText(m_theme->findData(int(AppTheme::System)), tr("System default"));
    m_theme->setItemText(m_theme->findData(int(AppTheme::Light)), tr("Light"));
    m_theme->setItemText(m_theme->findData(int(AppTheme::Dark)), tr("Dark"));

    m_startupGroup->setTitle(tr("Startup"));
    m_autostart->setText(tr("Start OneGate when I log in"));

    m_dataGroup->setTitle(tr("Data"));
    m_dataDirLabel->setText(tr("Data folder:"));
    m_openDataDir->setText(tr("&Open"));
    m_changeDataDir->setText(tr("C&hange..."));
    m_retentionLabel->setText(tr("&Keep usage history for:"));
    m_retention->setSpecialValueText(tr("Forever"));
    m_retention->setSuffix(tr(" days"));
    m_retentionNote->setText(tr("Older usage records are deleted when OneGate starts and once a "
                                "day. Set it to 0 to keep them all."));

    // One label column for every group, so the fields line up down the page whatever the
    // language's label lengths.
    QList<QLabel *> rowLabels{m_hostLabel,  m_portLabel,    m_ollamaBox->rowLabel(), m_languageLabel,
                              m_themeLabel, m_dataDirLabel, m_retentionLabel};
    rowLabels.append(m_browserBox->rowLabels());
    int labelWidth = 0;
    for (QLabel *label : rowLabels) {
        label->setMinimumWidth(0);
        labelWidth = qMax(labelWidth, label->sizeHint().width());
    }
    for (QLabel *label : rowLabels)
        label->setMinimumWidth(labelWidth);

    updateDataFolderNote();
    retranslateNetworkNotes();
}

void SettingsPage::retranslateNetworkNotes()
{
    const Listen shown = shownListen();
    const bool loopback = isLoopbackHost(shown.host);
    m_lanWarning->setVisible(!shown.host.isEmpty() && !loopback);
    if (!loopback)
        m_authNote->setText(tr("Access keys are always required when other devices can connect."));
    else if (shown.authRequired)
        m_authNote->setText(tr("Clients must send one of your access keys."));
    else
        m_authNote->setText(tr("Any program on this computer can use OneGate, and through it your "
                               "providers, without a key."));
    m_languageNote->setText(m_languageProblem);
    m_languageNote->setVisible(!m_languageProblem.isEmpty());
    const QString status = m_networkStatusText ? m_networkStatusText() : QString();
    m_networkStatus->setText(status);
    m_networkStatus->setVisible(!status.isEmpty());
}

QString SettingsPage::listenText(const QString &host, quint16 port)
{
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return shownHost + u':' + QString::number(port);
}

void SettingsPage::setConfig(const std::shared_ptr<const Config> &config)
{
    if (!config)
        return;
    const bool edited = m_haveConfig && shownListen() != m_saved;
    m_haveConfig = true;
    m_saved = Listen{config->listenHost, config->listenPort, config->authRequired};
    // An edit made elsewhere shows up, unless the user is in the middle of their own.
    if (!m_keepInput && !edited)
        showListen(m_saved);
    updateNetworkState();
}

SettingsPage::Listen SettingsPage::shownListen() const
{
    return Listen{m_host->text().trimmed(), quint16(m_port->value()), m_auth->isChecked()};
}

void SettingsPage::showListen(const Listen &listen)
{
    const QSignalBlocker hostBlocker(m_host);
    const QSignalBlocker portBlocker(m_port);
    const QSignalBlocker lanBlocker(m_lan);
    const QSignalBlocker authBlocker(m_auth);
    m_host->setText(listen.host);
    m_port->setValue(listen.port);
    m_lan->setChecked(!isLoopbackHost(listen.host));
    m_auth->setChecked(listen.authRequired);
}

void SettingsPage::updateNetworkState()
{
    const QString host = m_host->text().trimmed();
    const bool loopback = isLoopbackHost(host);
    if (!loopback && !host.isEmpty() && !m_auth->isChecked()) {
        // The parser refuses auth off beyond loopback; say so before the user tries.
        const QSignalBlocker blocker(m_auth);
        m_auth->setChecked(true);
    }
    m_auth->setEnabled(loopback);
    m_auth->setToolTip(loopback
                           ? QString()
                           : tr("Access keys are always required when other devices can connect."));
    const bool changed = shownListen() != m_saved;
    m_apply->setEnabled(changed && m_services.config);
    m_revert->setEnabled(changed);
    retranslateNetworkNotes();
}

void SettingsPage::applyNetwork()
{
    if (!m_services.config)
        return;
    const Listen wanted = shownListen();
    // apply() announces the new config at once, which moves m_saved along.
    const Listen before = m_saved;
    const bool listenChanges = wanted.host != m_saved.host || wanted.port != m_saved.port;

    QJsonObject next = m_services.config->document();
    const QJsonValue listenBefore = next.value(u"listen"_s);
    next.insert(u"listen"_s, listenText(wanted.host, wanted.port));
    QJsonObject auth = next.value(u"auth"_s).toObject();
    auth.insert(u"required"_s, wanted.authRequired);
    next.insert(u"auth"_s, auth);

    if (const auto error = m_services.config->apply(next)) {
        // The parser's own words, and the user's input stays for them to fix.
        if (m_services.prompts)
            m_services.prompts->warning(this, tr("Settings not applied"), error->toString());
        return;
    }
    if (!listenChanges) {
        m_networkStatusText = [] { return tr("Saved."); };
    } else if (m_services.gateway && m_services.gateway->isRunning()) {
        // The outcome of the rebind arrives as GatewayService::configApplied.
        m_awaitingListen = true;
        m_listenBefore = listenBefore;
        m_servingBefore = before;
        m_requestedListen = listenText(wanted.host, wanted.port);
        const QString requested = m_requestedListen;
        m_networkStatusText = [requested] { return tr("Moving OneGate to %1...").arg(requested); };
    } else {
        const QString requested = listenText(wanted.host, wanted.port);
        m_networkStatusText = [requested] {
            return tr("Saved. OneGate will listen on %1 when it starts.").arg(requested);
        };
    }
    updateNetworkState();
}

void SettingsPage::onConfigApplied(const ConfigApplyResult &result)
{
    if (!m_awaitingListen || !result.listenChanged)
        return;
    m_awaitingListen = false;
    const QString requested = m_requestedListen;
    if (result.listen.ok()) {
        m_networkStatusText = [requested] {
            return tr("OneGate now listens on %1.").arg(requested);
        };
        retranslateNetworkNotes();
        return;
    }

    const QString serving = listenText(m_servingBefore.host, m_servingBefore.port);
    const quint16 port = ListenAddress::parse(requested).port;
    // Nothing moved: the old address still serves. Put the file back in line with that,
    // so the next start does not fail the same way, and keep the user's input to edit.
    QJsonObject next = m_services.config->document();
    if (m_listenBefore.isUndefined())
        next.remove(u"listen"_s);
    else
        next.insert(u"listen"_s, m_listenBefore);
    m_keepInput = true;
    m_services.config->apply(next);
    m_keepInput = false;
    const QString error = result.listen.error;
    const bool inUse = result.listen.addressInUse;
    m_networkStatusText = [inUse, port, requested, serving, error] {
        return inUse
                   ? tr("Port %1 is already in use by another program, so OneGate keeps listening "
                        "on %2. Choose another port, or close the program that uses it.")
                         .arg(port)
                         .arg(serving)
                   : tr("OneGate could not listen on %1 (%2), so it keeps listening on %3.")
                         .arg(requested, error, serving);
    };
    updateNetworkState();
    if (m_services.prompts)
        m_services.prompts->warning(this, inUse ? tr("Port in use") : tr("Address not available"),
                                    m_networkStatusText());
}

void SettingsPage::chooseLanguage()
{
    const QString locale = m_language->currentData().toString();
    AppSettings().setLanguage(locale);
    // Installing the translators sends LanguageChange to every widget, this page
    // included, so retranslate() runs from there.
    m_languageProblem = UiLanguage::apply(locale).problem;
    retranslateNetworkNotes();
}

void SettingsPage::chooseTheme()
{
    const auto theme = AppTheme(m_theme->currentData().toInt());
    AppSettings().setTheme(theme);
    applyTheme(theme);
}

void SettingsPage::toggleAutostart(bool on)
{
    const QString error = on ? Autostart::enable() : Autostart::disable();
    if (error.isEmpty())
        return;
    const QSignalBlocker blocker(m_autostart);
    m_autostart->setChecked(Autostart::isEnabled());
    if (m_services.prompts)
        m_services.prompts->warning(this, tr("Start at login"), error);
}

void SettingsPage::changeDataFolder()
{
    const QString current = AppSettings().dataDirOverride();
    const QString chosen = m_chooseFolder(this, tr("Choose the data folder"),
                                          current.isEmpty() ? m_services.dataDir : current);
    if (chosen.isEmpty())
        return;
    AppSettings().setDataDirOverride(QDir::cleanPath(chosen));
    updateDataFolderNote();
}

void SettingsPage::updateDataFolderNote()
{
    const QString next = AppSettings().dataDirOverride();
    if (!next.isEmpty() && QDir(next) != QDir(m_services.dataDir)) {
        m_dataDirNote->setText(tr("OneGate will use %1 from its next start. The usage history "
                                  "stays in the current folder; move usage.db there yourself to "
                                  "keep it.")
                                   .arg(QDir::toNativeSeparators(next)));
    } else {
        m_dataDirNote->setText(tr("Holds the usage history (usage.db). A new folder takes effect "
                                  "after OneGate restarts."));
    }
}

} // namespace onegate
