#pragma once

#include <QObject>

class QSocketNotifier;

namespace onegate {

// Turns SIGINT and SIGTERM into a Qt signal on the thread that created the watcher.
// The POSIX handler only writes a byte to a socket pair (async-signal-safe); the event
// loop reads it and emits terminationRequested().
class SignalWatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace onegate
