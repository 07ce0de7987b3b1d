#pragma once

#include <QObject>
#include <QStringList>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace onegate {

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
    State state() const { return m_state; }
    QMenu *menu() const { return m_menu; }

Q_SIGNALS:
    void openRequested();
    void copyEndpointRequested();
    void copyAccessKeyRequested(const QString &name);
    void pauseRequested(bool paused);
    void startAtLoginRequested(bool enabled);
    void quitRequested();

private:
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
};

} // namespace onegate
