#include "ChildProcess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

namespace onegate::test {

ChildProcess::ChildProcess(const QProcessEnvironment &environment,
                           QProcess::ProcessChannelMode mode)
{
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(mode);
}

ChildProcess::~ChildProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool ChildProcess::start(const QString &program, const QStringList &arguments, int timeoutMs)
{
    m_process.start(program, arguments);
    return m_process.waitForStarted(timeoutMs);
}

quint16 ChildProcess::waitForListening(const QString &name, int timeoutMs)
{
    const QRegularExpression pattern(
        QStringLiteral("^") + QRegularExpression::escape(name) +
            QStringLiteral(" listening on http://127\\.0\\.0\\.1:(\\d+)\\r?$"),
        QRegularExpression::MultilineOption);
    const QDeadlineTimer deadline(timeoutMs);
    while (true) {
        allStdout();
        const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(m_stdout));
        if (match.hasMatch())
            return quint16(match.captured(1).toUInt());
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
            return 0;
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
}

QByteArray ChildProcess::allStdout()
{
    m_stdout += m_process.readAllStandardOutput();
    return m_stdout;
}

QByteArray ChildProcess::allStderr()
{
    m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

bool ChildProcess::finish(int timeoutMs)
{
    // waitForFinished() answers false for a process the event loop already reaped.
    const bool done =
        m_process.state() == QProcess::NotRunning || m_process.waitForFinished(timeoutMs);
    allStdout();
    allStderr();
    return done;
}

QProcessEnvironment childEnvironment(const QList<QPair<QString, QString>> &secrets)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : secrets)
        environment.insert(name, value);
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    return environment;
}

} // namespace onegate::test
