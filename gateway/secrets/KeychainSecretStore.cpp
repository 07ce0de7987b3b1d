#include "KeychainSecretStore.h"

#include <QEventLoop>
#include <QTimer>
#include <memory>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// A locked keyring may show an unlock prompt, so allow a person time to answer it; past
// that, report instead of blocking startup forever.
constexpr int kAnswerTimeoutMs = 120'000;

constexpr auto kUseEnvironmentHint = "or use env:NAME references instead"_L1;

template<typename JobType>
std::unique_ptr<JobType> makeJob(const QString &name)
{
    auto job = std::make_unique<JobType>(KeychainSecretStore::serviceName());
    job->setAutoDelete(false);
    job->setInsecureFallback(false);
    job->setKey(name);
    return job;
}

bool mentionsSecretServiceMissing(const QString &errorString)
{
    return errorString.contains("ServiceUnknown"_L1)
           || errorString.contains("org.freedesktop.secrets"_L1);
}

bool mentionsNoSessionBus(const QString &errorString)
{
    return errorString.contains("D-Bus"_L1, Qt::CaseInsensitive)
           || errorString.contains("DBus"_L1, Qt::CaseInsensitive)
           || errorString.startsWith("Could not connect"_L1);
}

struct JobOutcome {
    QKeychain::Error error = QKeychain::NoError;
    QString message;  // plain language, empty on success
};

// Runs the job to completion. When the keychain does not answer in time the job is left
// to delete itself whenever it finishes, because the backend still holds a pointer to it.
template<typename JobType>
JobOutcome run(std::unique_ptr<JobType> &job, const QString &name)
{
    bool finished = false;
    QEventLoop loop;
    QObject::connect(job.get(), &QKeychain::Job::finished, &loop, [&finished, &loop] {
        finished = true;
        loop.quit();
    });
    QTimer::singleShot(kAnswerTimeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!finished)
        loop.exec();
    if (!finished) {
        job->setAutoDelete(true);
        Q_UNUSED(job.release())
        return {QKeychain::OtherError,
                u"the system keychain did not answer within %1 seconds: unlock it and try "
                u"again, "_s.arg(kAnswerTimeoutMs / 1000)
                    + kUseEnvironmentHint};
    }
    return {job->error(),
            KeychainSecretStore::explainError(job->error(), job->errorString(), name)};
}

QString emptyNameError()
{
    return u"a keychain entry needs a name"_s;
}

} // namespace

QString KeychainSecretStore::serviceName()
{
    return u"OneGate"_s;
}

QString KeychainSecretStore::explainError(int keychainError, const QString &errorString,
                                          const QString &name)
{
    switch (keychainError) {
    case QKeychain::NoError: return {};
    case QKeychain::EntryNotFound:
        return u"no entry named %1 in the OneGate keychain"_s.arg(name);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return u"the keychain is locked or access was denied: unlock it and try again"_s;
    case QKeychain::NoBackendAvailable:
        return u"no system keychain is available: start a keyring such as gnome-keyring, "_s
               + kUseEnvironmentHint;
    case QKeychain::NotImplemented:
        return u"the system keychain does not support this operation: use env:NAME "
               u"references instead"_s;
    default: break;
    }
    // The Secret Service backend reports transport failures only as OtherError text.
    if (mentionsSecretServiceMissing(errorString)) {
        return u"the system keychain (Secret Service) is not reachable: no keyring is "
               u"running on the D-Bus session. Start a keyring such as gnome-keyring, "_s
               + kUseEnvironmentHint;
    }
    if (mentionsNoSessionBus(errorString)) {
        return u"the system keychain (Secret Service) is not reachable: no D-Bus session. "
               u"Start a keyring such as gnome-keyring, "_s
               + kUseEnvironmentHint;
    }
    return u"the system keychain reported an error (%1): check that a keyring such as "
           u"gnome-keyring is running and unlocked, "_s.arg(errorString)
           + kUseEnvironmentHint;
}

SecretReadResult KeychainSecretStore::read(const QString &name)
{
    if (name.isEmpty())
        return {{}, emptyNameError()};
    auto job = makeJob<QKeychain::ReadPasswordJob>(name);
    const JobOutcome outcome = run(job, name);
    if (outcome.error != QKeychain::NoError)
        return {{}, outcome.message};
    return {job->binaryData(), {}};
}

QString KeychainSecretStore::write(const QString &name, const QByteArray &value)
{
    if (name.isEmpty())
        return emptyNameError();
    if (value.isEmpty())
        return u"refusing to store an empty secret"_s;
    auto job = makeJob<QKeychain::WritePasswordJob>(name);
    job->setTextData(QString::fromUtf8(value));
    return run(job, name).message;
}

QString KeychainSecretStore::remove(const QString &name)
{
    if (name.isEmpty())
        return emptyNameError();
    auto job = makeJob<QKeychain::DeletePasswordJob>(name);
    const JobOutcome outcome = run(job, name);
    // Deleting what is not there leaves the keychain as asked.
    if (outcome.error == QKeychain::EntryNotFound)
        return {};
    return outcome.message;
}

} // namespace onegate
