#include "AccessKeyLimitsText.h"

#include <QDateTime>
#include <QLocale>
#include <QStringList>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kHourMs = 60 * kMinuteMs;
constexpr qint64 kDayMs = 24 * kHourMs;

QString number(qint64 value)
{
    return QLocale().toString(value);
}

// The date part of what the expiry field shows (AccessKeyLimitsText::dateTimeFormat).
QString date(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).date().toString(Qt::ISODate);
}

} // namespace

QString AccessKeyLimitsText::money(double amount)
{
    return QLocale().toString(amount, 'f', 2);
}

QString AccessKeyLimitsText::dateTimeFormat()
{
    return u"yyyy-MM-dd HH:mm"_s;
}

QString AccessKeyLimitsText::localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(dateTimeFormat());
}

QString AccessKeyLimitsText::summary(const AccessKeyLimits &limits, qint64 nowMs)
{
    QStringList parts;
    if (limits.rpm > 0)
        parts.append(tr("%1/min").arg(number(limits.rpm)));
    if (limits.tpm > 0)
        parts.append(tr("%1 tokens/min").arg(number(limits.tpm)));
    if (limits.maxConcurrent > 0)
        parts.append(tr("%1 at once").arg(number(limits.maxConcurrent)));
    if (limits.monthlyBudget > 0)
        parts.append(tr("%1/month").arg(money(limits.monthlyBudget)));
    if (limits.expiresMs != 0) {
        if (nowMs >= limits.expiresMs) {
            parts.append(tr("expired"));
        } else {
            parts.append(tr("until %1").arg(date(limits.expiresMs)));
        }
    }
    return parts.isEmpty() ? tr("None") : parts.join(u" · "_s);
}

QString AccessKeyLimitsText::monthSpend(const AccessKeyLimits &limits, const KeyStanding &standing)
{
    if (limits.monthlyBudget > 0)
        return tr("%1 of %2").arg(money(standing.spentThisMonth), money(limits.monthlyBudget));
    return money(standing.spentThisMonth);
}

QString AccessKeyLimitsText::requests(const AccessKeyLimits &limits, const KeyStanding &standing)
{
    if (limits.rpm > 0) {
        return tr("%1 of %2 in the last minute")
            .arg(number(standing.requestsInWindow), number(limits.rpm));
    }
    if (limits.limitsRate())
        return tr("%1 in the last minute").arg(number(standing.requestsInWindow));
    return {};
}

QString AccessKeyLimitsText::tokens(const AccessKeyLimits &limits, const KeyStanding &standing)
{
    if (limits.tpm > 0) {
        return tr("%1 of %2 tokens in the last minute")
            .arg(number(standing.tokensInWindow), number(limits.tpm));
    }
    if (limits.limitsRate())
        return tr("%1 tokens in the last minute").arg(number(standing.tokensInWindow));
    return {};
}

QString AccessKeyLimitsText::inFlight(const AccessKeyLimits &limits, const KeyStanding &standing)
{
    if (limits.maxConcurrent > 0)
        return tr("%1 of %2 in flight")
            .arg(number(standing.inFlight), number(limits.maxConcurrent));
    return tr("%1 in flight").arg(number(standing.inFlight));
}

QString AccessKeyLimitsText::spending(const AccessKeyLimits &limits, const KeyStanding &standing)
{
    if (limits.monthlyBudget > 0) {
        return tr("Spent %1 of %2 this month (%3 %)")
            .arg(money(standing.spentThisMonth), money(limits.monthlyBudget),
                 number(budgetPercent(standing.spentThisMonth, limits.monthlyBudget)));
    }
    return tr("Spent %1 this month").arg(money(standing.spentThisMonth));
}

int AccessKeyLimitsText::budgetPercent(double spent, double budget)
{
    if (budget <= 0)
        return 0;
    // Sums of prices are never exact: 10.20 of 20.00 must read 51 %, not 50.
    const int percent = int(std::min(1e6, std::floor(100 * spent / budget + 1e-9)));
    // Rounding must not show 100 % while the key is still admitted.
    return spent < budget ? std::min(99, percent) : percent;
}

QString AccessKeyLimitsText::expiry(qint64 expiresMs, qint64 nowMs)
{
    if (expiresMs == 0)
        return {};
    const qint64 left = expiresMs - nowMs;
    if (left <= 0)
        return tr("Expired");
    // No %n (English plural forms are not loaded when the UI is English): every count
    // shown is at least 2, so the plural is always right.
    if (left >= 2 * kDayMs)
        return tr("Expires in %1 days").arg(number(left / kDayMs));
    if (left >= 2 * kHourMs)
        return tr("Expires in %1 hours").arg(number(left / kHourMs));
    if (left >= 2 * kMinuteMs)
        return tr("Expires in %1 minutes").arg(number(left / kMinuteMs));
    return tr("Expires within 2 minutes");
}

QString AccessKeyLimitsText::unpriced(const KeyStanding &standing)
{
    if (standing.unpricedThisMonth <= 0)
        return {};
    return tr("Requests this month that used a model without a price: %1. The budget cannot "
              "count them; add the model's prices on the Models page.")
        .arg(number(standing.unpricedThisMonth));
}

} // namespace onegate
