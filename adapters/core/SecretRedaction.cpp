#include "SecretRedaction.h"

#include <QList>
#include <QUrl>

namespace onegate {

namespace {

constexpr QByteArrayView kMarker = "[redacted]";

// The secret as it may appear in an answer: as is, JSON-escaped, percent-encoded.
QList<QByteArray> formsOf(QByteArrayView secret)
{
    QList<QByteArray> forms{secret.toByteArray()};
    QByteArray escaped = secret.toByteArray();
    escaped.replace("/", "\\/");
    QByteArray encoded = QUrl::toPercentEncoding(QString::fromLatin1(secret));
    for (QByteArray *form : {&escaped, &encoded}) {
        if (!forms.contains(*form))
            forms.append(std::move(*form));
    }
    return forms;
}

} // namespace

QByteArray redactSecret(QByteArray text, QByteArrayView secret)
{
    if (secret.size() < kMinRedactedSecret || text.size() < secret.size())
        return text;
    for (const QByteArray &form : formsOf(secret)) {
        if (text.contains(form))
            text.replace(form, kMarker);
    }
    return text;
}

QString redactSecret(QString text, QByteArrayView secret)
{
    if (secret.size() < kMinRedactedSecret || text.size() < secret.size())
        return text;
    for (const QByteArray &form : formsOf(secret)) {
        const QString needle = QString::fromLatin1(form);
        if (text.contains(needle))
            text.replace(needle, QLatin1String(kMarker.data(), kMarker.size()));
    }
    return text;
}

void redactSecret(ApiError &error, QByteArrayView secret)
{
    error.message = redactSecret(std::move(error.message), secret);
    error.type = redactSecret(std::move(error.type), secret);
    error.code = redactSecret(std::move(error.code), secret);
    error.param = redactSecret(std::move(error.param), secret);
    error.upstreamBody = redactSecret(std::move(error.upstreamBody), secret);
}

} // namespace onegate
