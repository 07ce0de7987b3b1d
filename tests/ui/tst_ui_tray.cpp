// The tray controller: its menu offers what issue 4 lists (status line, open, copy the
// endpoint, copy an access key, pause/resume, quit) and every choice becomes a signal.

#include "TrayController.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QSignalSpy>
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

QTEST_MAIN(TrayTest)
#include "tst_ui_tray.moc"
