#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace onegate {

struct BudgetAlert;

// The tray icon and its menu. Shows the gateway's state (running, error, paused) and a
// status line; everything it offers is a signal the shell acts on, so it holds no data.
class TrayController final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayController)
public:
    enum class State { Running, Error, Paused };

    explicit TrayController(QObject *parent = nullptr);
    ~TrayController() override;

    static bool isAvailable();
    void show();
    void setState(State state, const QString &statusLine);
    void setAccessKeyNames(const QStringList &names);
    void setStartAtLogin(bool enabled);
    // A one-time balloon ("still running in the tray").
    void notify(const QString &title, const QString &message);
    // Tells of a browser origin refused for the first time. At most one such balloon a
    // minute, so a program sending many origins cannot flood the desktop (the rest are
    // in Settings). Returns whether it was shown.
    bool notifyRefusedOrigin(const QString &origin, const QString &address);
    // Tells that an access key has spent its budget's warning share, or all of it
    // (GatewayService::budgetAlert, once per key, level and month).
    void notifyBudget(const BudgetAlert &alert);
    // The latest balloon's title and text, as shown.
    QString lastMessage() const { return m_lastMessage; }
    State state() const { return m_state; }
    QMenu *menu() const { return m_menu; }

Q_SIGNALS:
    void openRequested();
    void copyEndpointRequested();
    void copyAccessKeyRequested(const QString &name);
    void pauseRequested(bool paused);
    void startAtLoginRequested(bool enabled);
    void quitRequested();
    // The user clicked the refused-origin balloon: show Settings' Browser access.
    void refusedOriginsRequested();
    // The user clicked a budget balloon: show the Access keys page.
    void accessKeysRequested();

private:
    // What a balloon is about, which decides what clicking it opens.
    enum class Balloon { Plain, RefusedOrigin, Budget };
    void showMessage(Balloon about, const QString &title, const QString &message, int ms,
                     bool warning = false);
    void retranslate();
    void updateIcon();
    bool eventFilter(QObject *watched, QEvent *event) override;

    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QMenu *m_keysMenu;
    QAction *m_status;
    QAction *m_open;
    QAction *m_copyEndpoint;
    QAction *m_pause;
    QAction *m_startAtLogin;
    QAction *m_quit;
    State m_state = State::Running;
    QString m_statusLine;
    QElapsedTimer m_lastOriginMessage;  // invalid until the first one
    Balloon m_balloon = Balloon::Plain;  // the latest one
    QString m_lastMessage;
};

} // namespace onegate
