// The tray controller: its menu offers what issue 4 lists (status line, open, copy the
// endpoint, copy an access key, pause/resume, quit) and every choice becomes a signal;
// refused browser origins are told at most once a minute; budget alerts are told in plain
// words, and clicking each balloon asks for the page it is about.

#include "TrayController.h"
#include "limits/KeyLimiter.h"
#include "models/AccessKeyLimitsText.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QMenu>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTest>

using namespace onegate;
using namespace Qt::StringLiterals;

namespace {

QAction *actionNamed(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text)
            return action;
        if (action->menu() && action->text() == text)
            return action;
    }
    return nullptr;
}

} // namespace

class TrayTest final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void statusLineAndState();
    void menuChoicesBecomeSignals();
    void accessKeysSubmenu();
    void refusedOriginMessagesDoNotFlood();
    void budgetAlerts();
};

void TrayTest::statusLineAndState()
{
    TrayController tray;
    tray.setState(TrayController::State::Running, u"http://127.0.0.1:4141/v1 · 3 requests today"_s);
    QCOMPARE(tray.state(), TrayController::State::Running);
    QVERIFY(actionNamed(tray.menu(), u"http://127.0.0.1:4141/v1 · 3 requests today"_s));
    QVERIFY(!actionNamed(tray.menu(), u"http://127.0.0.1:4141/v1 · 3 requests today"_s)->isEnabled());

    tray.setState(TrayController::State::Paused, u"Paused"_s);
    QVERIFY(actionNamed(tray.menu(), u"Pause gateway"_s)->isChecked());
    tray.setState(TrayController::State::Error, u"port 4141 is in use"_s);
    QCOMPARE(tray.state(), TrayController::State::Error);
    QVERIFY(!actionNamed(tray.menu(), u"Pause gateway"_s)->isChecked());
}

void TrayTest::menuChoicesBecomeSignals()
{
    TrayController tray;
    QSignalSpy open(&tray, &TrayController::openRequested);
    QSignalSpy copyEndpoint(&tray, &TrayController::copyEndpointRequested);
    QSignalSpy pause(&tray, &TrayController::pauseRequested);
    QSignalSpy quit(&tray, &TrayController::quitRequested);
    QSignalSpy startAtLogin(&tray, &TrayController::startAtLoginRequested);

    actionNamed(tray.menu(), u"Open OneGate"_s)->trigger();
    actionNamed(tray.menu(), u"Copy endpoint URL"_s)->trigger();
    actionNamed(tray.menu(), u"Pause gateway"_s)->trigger();
    actionNamed(tray.menu(), u"Pause gateway"_s)->trigger();
    actionNamed(tray.menu(), u"Quit OneGate"_s)->trigger();
    actionNamed(tray.menu(), u"Start OneGate when I log in"_s)->trigger();

    QCOMPARE(open.size(), 1);
    QCOMPARE(copyEndpoint.size(), 1);
    QCOMPARE(pause.size(), 2);
    QCOMPARE(pause.at(0).at(0).toBool(), true);   // pause
    QCOMPARE(pause.at(1).at(0).toBool(), false);  // resume
    QCOMPARE(quit.size(), 1);
    QCOMPARE(startAtLogin.size(), 1);
    QCOMPARE(startAtLogin.at(0).at(0).toBool(), true);
    // Showing the current state does not ask for a change.
    tray.setStartAtLogin(false);
    QCOMPARE(startAtLogin.size(), 1);
}

void TrayTest::accessKeysSubmenu()
{
    TrayController tray;
    QSignalSpy copyKey(&tray, &TrayController::copyAccessKeyRequested);
    QAction *keys = actionNamed(tray.menu(), u"Copy an access key"_s);
    QVERIFY(keys && keys->menu());

    tray.setAccessKeyNames({});
    QVERIFY(!keys->menu()->isEnabled());

    tray.setAccessKeyNames({u"vscode"_s, u"ci"_s});
    QVERIFY(keys->menu()->isEnabled());
    QCOMPARE(keys->menu()->actions().size(), 2);
    keys->menu()->actions().at(1)->trigger();
    QCOMPARE(copyKey.size(), 1);
    QCOMPARE(copyKey.at(0).at(0).toString(), u"ci"_s);
}

void TrayTest::refusedOriginMessagesDoNotFlood()
{
    TrayController tray;
    QVERIFY(tray.notifyRefusedOrigin(u"http://localhost:5173"_s, u"127.0.0.1"_s));
    // A program sending a new origin with every request gets no second balloon for a minute.
    for (int i = 0; i < 20; ++i)
        QVERIFY(!tray.notifyRefusedOrigin(u"http://localhost:%1"_s.arg(6000 + i), u"127.0.0.1"_s));
}

void TrayTest::budgetAlerts()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    TrayController tray;
    QSignalSpy keysPage(&tray, &TrayController::accessKeysRequested);
    QSignalSpy originsPage(&tray, &TrayController::refusedOriginsRequested);
    QSystemTrayIcon *icon = tray.findChild<QSystemTrayIcon *>();
    QVERIFY(icon);

    tray.notifyBudget(BudgetAlert{u"cursor"_s, BudgetLevel::Warning, 16.0, 20.0});
    QCOMPARE(
        tray.lastMessage(),
        u"Budget warning\nThe key cursor has used 80 % of its monthly budget (16.00 of 20.00)."_s);
    Q_EMIT icon->messageClicked();
    QCOMPARE(keysPage.size(), 1);

    tray.notifyBudget(BudgetAlert{u"cursor"_s, BudgetLevel::Stopped, 1020.13, 1000.0});
    const QString nextMonth =
        AccessKeyLimitsText::localTime(nextMonthStartMs(QDateTime::currentMSecsSinceEpoch()));
    QCOMPARE(
        tray.lastMessage(),
        u"Budget reached\nThe key cursor reached its monthly budget (1,020.13 of 1,000.00): its "
        u"requests are refused until %1 or until you raise the budget."_s.arg(nextMonth));
    Q_EMIT icon->messageClicked();
    QCOMPARE(keysPage.size(), 2);
    QCOMPARE(originsPage.size(), 0);

    // Clicking a later balloon about something else does not open the keys.
    QVERIFY(tray.notifyRefusedOrigin(u"http://localhost:5173"_s, u"127.0.0.1"_s));
    Q_EMIT icon->messageClicked();
    QCOMPARE(originsPage.size(), 1);
    tray.notify(u"OneGate is still running"_s, u"In the tray."_s);
    Q_EMIT icon->messageClicked();
    QCOMPARE(keysPage.size(), 2);
    QCOMPARE(originsPage.size(), 1);
    QLocale::setDefault(QLocale::c());
}

QTEST_MAIN(TrayTest)
#include "tst_ui_tray.moc"
