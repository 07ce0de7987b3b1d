#include "TrayController.h"

#include "limits/KeyLimiter.h"
#include "models/AccessKeyLimitsText.h"

#include <QApplication>
#include <QDateTime>
#include <QEvent>
#include <QLocale>
#include <QMenu>
#include <QPalette>
#include <QSystemTrayIcon>

namespace onegate {

namespace {

constexpr qint64 kOriginMessageGapMs = 60'000;

} // namespace

TrayController::TrayController(QObject *parent)
    : QObject(parent)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_keysMenu(new QMenu)
{
    m_status = m_menu->addAction(QString());
    m_status->setEnabled(false);
    m_menu->addSeparator();
    m_open = m_menu->addAction(QString(), this, &TrayController::openRequested);
    m_copyEndpoint = m_menu->addAction(QString(), this, &TrayController::copyEndpointRequested);
    m_menu->addMenu(m_keysMenu);
    m_pause = m_menu->addAction(QString());
    m_pause->setCheckable(true);
    connect(m_pause, &QAction::toggled, this, &TrayController::pauseRequested);
    m_startAtLogin = m_menu->addAction(QString());
    m_startAtLogin->setCheckable(true);
    connect(m_startAtLogin, &QAction::toggled, this, &TrayController::startAtLoginRequested);
    m_menu->addSeparator();
    m_quit = m_menu->addAction(QString(), this, &TrayController::quitRequested);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT openRequested();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        if (m_balloon == Balloon::RefusedOrigin)
            Q_EMIT refusedOriginsRequested();
        else if (m_balloon == Balloon::Budget)
            Q_EMIT accessKeysRequested();
    });
    // Retranslate when the language changes, and pick the icon for the panel colour.
    qApp->installEventFilter(this);
    retranslate();
    updateIcon();
}

TrayController::~TrayController()
{
    delete m_menu;
    delete m_keysMenu;
}

bool TrayController::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayController::show()
{
    m_tray->show();
}

void TrayController::setState(State state, const QString &statusLine)
{
    m_state = state;
    m_statusLine = statusLine;
    m_status->setText(statusLine);
    m_tray->setToolTip(tr("OneGate") + QLatin1Char('\n') + statusLine);
    const QSignalBlocker blocker(m_pause);
    m_pause->setChecked(state == State::Paused);
    updateIcon();
}

void TrayController::setAccessKeyNames(const QStringList &names)
{
    m_keysMenu->clear();
    for (const QString &name : names)
        m_keysMenu->addAction(name, this, [this, name] { Q_EMIT copyAccessKeyRequested(name); });
    m_keysMenu->setEnabled(!names.isEmpty());
}

void TrayController::setStartAtLogin(bool enabled)
{
    const QSignalBlocker blocker(m_startAtLogin);
    m_startAtLogin->setChecked(enabled);
}

void TrayController::notify(const QString &title, const QString &message)
{
    showMessage(Balloon::Plain, title, message, 6000);
}

bool TrayController::notifyRefusedOrigin(const QString &origin, const QString &address)
{
    if (m_lastOriginMessage.isValid() && !m_lastOriginMessage.hasExpired(kOriginMessageGapMs))
        return false;
    m_lastOriginMessage.start();
    // The list in Settings has the whole of a long one.
    constexpr qsizetype kShown = 100;
    const QString shown = origin.size() > kShown ? origin.left(kShown - 1) + QChar(0x2026) : origin;
    showMessage(Balloon::RefusedOrigin, tr("Browser access refused"),
                tr("OneGate refused a request from %1 (client %2). If you trust it, allow it "
                   "in Settings, under Browser access.")
                    .arg(shown, address),
                8000);
    return true;
}

void TrayController::notifyBudget(const BudgetAlert &alert)
{
    const QString spent = AccessKeyLimitsText::money(alert.spent);
    const QString budget = AccessKeyLimitsText::money(alert.budget);
    if (alert.level == BudgetLevel::Stopped) {
        // Budgets are per UTC calendar month: the next one starts the count again.
        const QString until =
            AccessKeyLimitsText::localTime(nextMonthStartMs(QDateTime::currentMSecsSinceEpoch()));
        showMessage(Balloon::Budget, tr("Budget reached"),
                    tr("The key %1 reached its monthly budget (%2 of %3): its requests are "
                       "refused until %4 or until you raise the budget.")
                        .arg(alert.key, spent, budget, until),
                    10000, true);
    } else if (alert.level == BudgetLevel::Warning) {
        const int percent = AccessKeyLimitsText::budgetPercent(alert.spent, alert.budget);
        showMessage(Balloon::Budget, tr("Budget warning"),
                    tr("The key %1 has used %2 % of its monthly budget (%3 of %4).")
                        .arg(alert.key, QLocale().toString(percent), spent, budget),
                    8000);
    }
}

void TrayController::showMessage(Balloon about, const QString &title, const QString &message,
                                 int ms, bool warning)
{
    m_balloon = about;
    m_lastMessage = title + QLatin1Char('\n') + message;
    m_tray->showMessage(title, message,
                        warning ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information, ms);
}

void TrayController::retranslate()
{
    m_open->setText(tr("Open OneGate"));
    m_copyEndpoint->setText(tr("Copy endpoint URL"));
    m_keysMenu->setTitle(tr("Copy an access key"));
    m_pause->setText(tr("Pause gateway"));
    m_startAtLogin->setText(tr("Start OneGate when I log in"));
    m_quit->setText(tr("Quit OneGate"));
    m_status->setText(m_statusLine);
}

void TrayController::updateIcon()
{
    QString name;
    switch (m_state) {
    case State::Error: name = QStringLiteral("tray-error"); break;
    case State::Paused: name = QStringLiteral("tray-paused"); break;
    case State::Running: {
        // A light glyph on dark panels, a dark one on light panels.
        const bool darkPanel = QApplication::palette().color(QPalette::Window).lightness() < 128;
        name = darkPanel ? QStringLiteral("tray-dark") : QStringLiteral("tray-light");
        break;
    }
    }
    m_tray->setIcon(QIcon(QStringLiteral(":/onegate/icons/%1.svg").arg(name)));
}

bool TrayController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == qApp && event->type() == QEvent::LanguageChange)
        retranslate();
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange)
        updateIcon();
    return QObject::eventFilter(watched, event);
}

} // namespace onegate
