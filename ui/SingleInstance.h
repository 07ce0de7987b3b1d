#pragma once

#include <QObject>

class QLocalServer;

namespace onegate {

// One OneGate window per user and config: the first instance listens on a local socket;
// a second launch finds it, asks it to come to the front, and exits.
class SingleInstance final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleInstance)
public:
    // `key` separates instances that use different config files.
    explicit SingleInstance(const QString &key, QObject *parent = nullptr);

    // True when another instance was found and told to show itself.
    bool notifyRunningInstance();
    // Starts listening; false (with the reason in errorString) if that is impossible.
    bool listen();
    QString errorString() const { return m_error; }
    QString serverName() const { return m_name; }

Q_SIGNALS:
    void activationRequested();

private:
    QString m_name;
    QString m_error;
    QLocalServer *m_server = nullptr;
};

} // namespace onegate
