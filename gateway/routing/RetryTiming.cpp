#include "RetryTiming.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace onegate {

namespace {

constexpr qint64 kBackoffBaseMs = 250;
constexpr qint64 kBackoffCapMs = 8000;
// Anything longer is not a delay a request could wait for anyway; keeps arithmetic sane.
constexpr double kMaxDelayMs = 86'400'000.0;

std::optional<qint64> milliseconds(double value)
{
    if (!std::isfinite(value) || value < 0)
        return std::nullopt;
    return qint64(std::ceil(std::min(value, kMaxDelayMs)));
}

std::optional<double> number(const QByteArray &text)
{
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

std::optional<qint64> httpDate(const QByteArray &text, qint64 nowEpochMs)
{
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"; Qt's RFC 2822 reader takes it.
    QDateTime when = QDateTime::fromString(QString::fromLatin1(text.trimmed()), Qt::RFC2822Date);
    if (!when.isValid()) {
        // Obsolete RFC 850 and asctime forms are rare; try the common English layout too.
        when = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()),
                                       QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
        when.setTimeSpec(Qt::UTC);
    }
    if (!when.isValid())
        return std::nullopt;
    return std::max<qint64>(0, when.toMSecsSinceEpoch() - nowEpochMs);
}

std::optional<qint64> geminiRetryInfo(const QByteArray &body)
{
    if (body.isEmpty() || !body.contains("RetryInfo"))
        return std::nullopt;
    const QJsonValue error = QJsonDocument::fromJson(body).object().value(QLatin1String("error"));
    for (const QJsonValue &detail : error.toObject().value(QLatin1String("details")).toArray()) {
        const QJsonObject object = detail.toObject();
        if (!object.value(QLatin1String("@type")).toString().endsWith(QLatin1String("google.rpc.RetryInfo")))
            continue;
        QString delay = object.value(QLatin1String("retryDelay")).toString().trimmed();
        if (!delay.endsWith(QLatin1Char('s')))
            return std::nullopt;
        delay.chop(1);
        bool ok = false;
        const double seconds = delay.toDouble(&ok);
        return ok ? milliseconds(seconds * 1000.0) : std::nullopt;
    }
    return std::nullopt;
}

} // namespace

std::optional<qint64> requestedRetryDelayMs(const QByteArray &retryAfterMs, const QByteArray &retryAfter,
                                            const QByteArray &errorBody, qint64 nowEpochMs)
{
    if (!retryAfterMs.trimmed().isEmpty()) {
        if (const auto value = number(retryAfterMs))
            return milliseconds(*value);
    }
    if (!retryAfter.trimmed().isEmpty()) {
        if (const auto seconds = number(retryAfter))
            return milliseconds(*seconds * 1000.0);
        if (const auto date = httpDate(retryAfter, nowEpochMs))
            return date;
    }
    return geminiRetryInfo(errorBody);
}

qint64 backoffMs(int retry, QRandomGenerator &random)
{
    const int doublings = std::clamp(retry - 1, 0, 16);
    const qint64 ceiling = std::min(kBackoffCapMs, kBackoffBaseMs << doublings);
    return ceiling / 2 + qint64(random.bounded(quint32(ceiling / 2 + 1)));
}

} // namespace onegate
