#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace onegate::test {

// A program a process-level test runs (the real `onegate`, `fake_upstream`). Killed
// (SIGKILL) when still running at destruction, so a failing test never leaves a server
// behind. The wait* helpers block the calling thread: use them from tests that serve
// nothing in-process.
class ChildProcess final {
    Q_DISABLE_COPY_MOVE(ChildProcess)
public:
    explicit ChildProcess(const QProcessEnvironment &environment,
                          QProcess::ProcessChannelMode mode = QProcess::SeparateChannels);
    ~ChildProcess();

    QProcess &process() { return m_process; }
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    bool start(const QString &program, const QStringList &arguments, int timeoutMs);

    // Waits for the line "<name> listening on http://127.0.0.1:PORT" on stdout and returns
    // PORT, or 0 if the process ended or stayed silent.
    quint16 waitForListening(const QString &name, int timeoutMs);

    // Everything the process wrote so far.
    QByteArray allStdout();
    QByteArray allStderr();

    // Until the process has ended (it may already have); false on timeout.
    bool finish(int timeoutMs);

private:
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
};

// The environment of a child server: the system's, with `secrets` added (obviously fake
// keys the config names as env: references) and no D-Bus session, so no child reaches the
// real user's keychain.
QProcessEnvironment childEnvironment(const QList<QPair<QString, QString>> &secrets);

} // namespace onegate::test
