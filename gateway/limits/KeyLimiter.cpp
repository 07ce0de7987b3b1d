#include "limits/KeyLimiter.h"

#include <QDateTime>
#include <cmath>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

qint64 systemNow()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray seconds(qint64 ms)
{
    return QByteArray::number(std::max<qint64>(1, (ms + 999) / 1000));
}

QString utcText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd HH:mm 'UTC'"_s);
}

QString money(double amount);

// The 429 for a sliding-minute limit, in OpenAI's words and error type.
ApiError rateLimited(const QString &key, const QString &type, const QString &window, int limit, qint64 used,
                     qint64 waitMs)
{
    return ApiError::make(429, type, u"rate_limit_exceeded"_s,
                          u"Rate limit reached for the access key '%1' on %2: limit %3, used %4. Please try again "
                          u"in %5."_s.arg(key, window)
                              .arg(limit)
                              .arg(used)
                              .arg(QString::fromLatin1(KeyLimiter::resetText(waitMs))));
}

QString money(double amount)
{
    return QString::number(amount, 'f', 2);
}

} // namespace

LimitTicket::LimitTicket(std::weak_ptr<KeyLimiter> limiter, QString key, AccessKeyLimits limits)
    : m_limiter(std::move(limiter))
    , m_key(std::move(key))
    , m_limits(limits)
{
}

LimitTicket::~LimitTicket()
{
    if (m_settled)
        return;
    if (const auto limiter = m_limiter.lock())
        limiter->settle(m_key, m_limits, 0, {});
}

void LimitTicket::settle(const Config &config, const UsageRecord &record)
{
    if (m_settled)
        return;
    m_settled = true;
    const auto limiter = m_limiter.lock();
    if (!limiter)
        return;
    const TokenCounts tokens{record.promptTokens, record.completionTokens, record.cachedTokens,
                             record.cacheWriteTokens};
    limiter->settle(m_key, m_limits, tokens.prompt + tokens.completion,
                    requestCost(config, record.requestedModel, record.upstreamModel, tokens));
}

KeyLimiter::KeyLimiter(std::unique_ptr<LimitLedger> ledger, WallClock clock)
    : m_ledger(std::move(ledger))
    , m_clock(clock ? std::move(clock) : WallClock(systemNow))
{
}

void KeyLimiter::setClock(WallClock clock)
{
    m_clock = clock ? std::move(clock) : WallClock(systemNow);
}

std::optional<ApiError> KeyLimiter::expired(const Caller &caller) const
{
    const qint64 expiresMs = caller.limits.expiresMs;
    if (expiresMs == 0 || m_clock() < expiresMs)
        return std::nullopt;
    return ApiError::make(401, u"invalid_request_error"_s, u"access_key_expired"_s,
                          u"The access key '%1' expired at %2. Set a new expiry or create a new key on OneGate's "
                          u"Access keys page."_s.arg(caller.keyName,
                                                     QDateTime::fromMSecsSinceEpoch(expiresMs, Qt::UTC)
                                                         .toString(Qt::ISODate)));
}

KeyLimiter::Verdict KeyLimiter::admit(const Caller &caller)
{
    const qint64 nowMs = m_clock();
    const Admission admission = m_ledger->admit(caller.keyName, caller.limits, nowMs);
    Verdict verdict;
    verdict.headers = rateHeaders(caller.limits, admission.standing, nowMs);
    if (!admission.admitted()) {
        verdict.refusal = refusal(caller.keyName, caller.limits, admission, nowMs, verdict.headers);
        return verdict;
    }
    verdict.ticket.reset(new LimitTicket(weak_from_this(), caller.keyName, caller.limits));
    return verdict;
}

KeyStanding KeyLimiter::standing(const QString &key, const AccessKeyLimits &limits)
{
    return m_ledger->standing(key, limits, m_clock());
}

void KeyLimiter::restoreMonth(const QList<KeyModelTokens> &totals, const Config &config)
{
    const qint64 nowMs = m_clock();
    for (const KeyModelTokens &row : totals) {
        const TokenCounts tokens{row.promptTokens, row.completionTokens, row.cachedTokens, row.cacheWriteTokens};
        const RequestCost cost = requestCost(config, row.requestedModel, row.upstreamModel, tokens);
        m_ledger->restoreMonth(row.accessKey, nowMs, cost.amount, cost.priced ? 0 : row.requestsWithTokens);
    }
    reviewBudgets(config);
}

void KeyLimiter::reviewBudgets(const Config &config)
{
    const qint64 nowMs = m_clock();
    for (const AccessKey &key : config.accessKeys) {
        if (key.limits.monthlyBudget > 0)
            checkBudget(key.name, key.limits, m_ledger->standing(key.name, key.limits, nowMs));
    }
}

void KeyLimiter::settle(const QString &key, const AccessKeyLimits &limits, qint64 tokens, const RequestCost &cost)
{
    const qint64 nowMs = m_clock();
    m_ledger->settle(key, nowMs, tokens, cost);
    if (limits.monthlyBudget > 0 && cost.amount > 0)
        checkBudget(key, limits, m_ledger->standing(key, limits, nowMs));
}

void KeyLimiter::checkBudget(const QString &key, const AccessKeyLimits &limits, const KeyStanding &standing)
{
    const double spent = standing.spentThisMonth;
    const BudgetLevel level = spent >= limits.monthlyBudget                  ? BudgetLevel::Stopped
        : spent >= limits.monthlyBudget * limits.warnAt ? BudgetLevel::Warning
                                                        : BudgetLevel::Within;
    const qint64 month = monthStartMs(m_clock());
    Alerted &alerted = m_alerted[key];
    if (alerted.monthStartMs != month || alerted.budget != limits.monthlyBudget || alerted.warnAt != limits.warnAt)
        alerted = {month, limits.monthlyBudget, limits.warnAt, BudgetLevel::Within};
    if (level <= alerted.level)
        return;
    alerted.level = level;
    if (m_alert)
        m_alert({key, level, spent, limits.monthlyBudget});
}

HeaderPairs KeyLimiter::rateHeaders(const AccessKeyLimits &limits, const KeyStanding &standing, qint64 nowMs) const
{
    HeaderPairs headers;
    if (limits.rpm > 0) {
        headers.append({"x-ratelimit-limit-requests"_ba, QByteArray::number(limits.rpm)});
        headers.append({"x-ratelimit-remaining-requests"_ba,
                        QByteArray::number(std::max<qint64>(0, limits.rpm - standing.requestsInWindow))});
        headers.append({"x-ratelimit-reset-requests"_ba,
                        resetText(standing.requestsResetMs == 0 ? 0 : standing.requestsResetMs - nowMs)});
    }
    if (limits.tpm > 0) {
        headers.append({"x-ratelimit-limit-tokens"_ba, QByteArray::number(limits.tpm)});
        headers.append({"x-ratelimit-remaining-tokens"_ba,
                        QByteArray::number(std::max<qint64>(0, limits.tpm - standing.tokensInWindow))});
        headers.append({"x-ratelimit-reset-tokens"_ba,
                        resetText(standing.tokensResetMs == 0 ? 0 : standing.tokensResetMs - nowMs)});
    }
    return headers;
}

ApiError KeyLimiter::refusal(const QString &key, const AccessKeyLimits &limits, const Admission &admission,
                             qint64 nowMs, HeaderPairs &headers) const
{
    const KeyStanding &standing = admission.standing;
    qint64 waitMs = 1000;
    ApiError error;
    switch (admission.refusedBy) {
    case LimitKind::Budget: {
        const qint64 resumesMs = nextMonthStartMs(nowMs);
        waitMs = resumesMs - nowMs;
        error = ApiError::make(
            429, u"insufficient_quota"_s, u"budget_exceeded"_s,
            u"The access key '%1' has used its monthly budget of %2 (spent %3 this month at the model prices in "
            u"OneGate's config). Requests resume on %4, or raise the budget on OneGate's Access keys page."_s
                .arg(key, money(limits.monthlyBudget), money(standing.spentThisMonth), utcText(resumesMs)));
        // Waiting and retrying cannot help before the month ends: the official SDKs
        // honour this header and give up at once.
        headers.append({"x-should-retry"_ba, "false"_ba});
        break;
    }
    case LimitKind::Concurrency:
        error = ApiError::make(429, u"requests"_s, u"concurrency_limit_exceeded"_s,
                               u"The access key '%1' already has %2 requests in flight, its limit (max_concurrent). "
                               u"Please try again when one of them has finished."_s.arg(key)
                                   .arg(standing.inFlight));
        break;
    case LimitKind::Requests:
        waitMs = standing.requestsResetMs - nowMs;
        error = rateLimited(key, u"requests"_s, u"requests per minute (RPM)"_s, limits.rpm, standing.requestsInWindow,
                            waitMs);
        break;
    case LimitKind::Tokens:
        waitMs = standing.tokensResetMs - nowMs;
        error = rateLimited(key, u"tokens"_s, u"tokens per minute (TPM)"_s, limits.tpm, standing.tokensInWindow,
                            waitMs);
        break;
    case LimitKind::None:
        break;
    }
    waitMs = std::max<qint64>(waitMs, 1);
    headers.append({"Retry-After"_ba, seconds(waitMs)});
    headers.append({"retry-after-ms"_ba, QByteArray::number(waitMs)});
    return error;
}

QByteArray KeyLimiter::resetText(qint64 ms)
{
    if (ms <= 0)
        return "0s"_ba;
    if (ms < 1000)
        return QByteArray::number(ms) + "ms";
    if (ms < 60'000) {
        QByteArray text = QByteArray::number(double(ms) / 1000.0, 'f', 3);
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
        return text + 's';
    }
    const qint64 totalSeconds = ms / 1000;
    const qint64 hours = totalSeconds / 3600;
    const qint64 minutes = (totalSeconds % 3600) / 60;
    const qint64 secs = totalSeconds % 60;
    QByteArray text;
    if (hours > 0)
        text += QByteArray::number(hours) + 'h';
    return text + QByteArray::number(minutes) + 'm' + QByteArray::number(secs) + 's';
}

} // namespace onegate
