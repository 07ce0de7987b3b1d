#include "EndpointTable.h"

#include <QUrl>

namespace onegate {

namespace {

using Method = QHttpServerRequest::Method;

struct Row {
    QLatin1String path;
    bool prefix;      // `path` followed by a non-empty argument
    bool apiPath;     // also under /v1
    Method method;    // GET rows answer HEAD too only for Health
    QLatin1String allowed;
    Endpoint endpoint;
    bool needsAuth;
};

const Row kRows[] = {
    {QLatin1String("/health"), false, false, Method::Get, QLatin1String("GET, HEAD"), Endpoint::Health, false},
    {QLatin1String("/"), false, false, Method::Get, QLatin1String("GET, HEAD"), Endpoint::Health, false},
    {QLatin1String("/models"), false, true, Method::Get, QLatin1String("GET"), Endpoint::Models, true},
    {QLatin1String("/models/"), true, true, Method::Get, QLatin1String("GET"), Endpoint::Model, true},
    {QLatin1String("/chat/completions"), false, true, Method::Post, QLatin1String("POST"), Endpoint::ChatCompletions, true},
    {QLatin1String("/messages"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Messages, true},
    {QLatin1String("/messages/count_tokens"), false, true, Method::Post, QLatin1String("POST"), Endpoint::CountTokens, true},
    {QLatin1String("/responses"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Responses, true},
    {QLatin1String("/completions"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Completions, true},
    {QLatin1String("/metrics"), false, false, Method::Get, QLatin1String("GET"), Endpoint::Metrics, true},
    {QLatin1String("/onegate/routes"), false, false, Method::Get, QLatin1String("GET"), Endpoint::RouteHealth, true},
};

} // namespace

bool anthropicErrorShape(const QString &rawPath, bool hasAnthropicVersion)
{
    const QString apiPath = rawPath.startsWith(QLatin1String("/v1/")) ? rawPath.mid(3) : rawPath;
    if (apiPath == QLatin1String("/messages") || apiPath.startsWith(QLatin1String("/messages/")))
        return true;
    return hasAnthropicVersion && apiPath != QLatin1String("/chat/completions");
}

std::variant<EndpointMatch, EndpointRefusal> matchEndpoint(const QString &rawPath, Method method)
{
    const QString apiPath = rawPath.startsWith(QLatin1String("/v1/")) ? rawPath.mid(3) : rawPath;
    for (const Row &row : kRows) {
        const QString &path = row.apiPath ? apiPath : rawPath;
        const bool matches = row.prefix ? path.startsWith(row.path) && path.size() > row.path.size()
                                        : path == row.path;
        if (!matches)
            continue;
        const bool headOk = row.endpoint == Endpoint::Health && method == Method::Head;
        if (method != row.method && !headOk) {
            return EndpointRefusal{ApiError::make(405, QStringLiteral("invalid_request_error"),
                                                  QStringLiteral("method_not_allowed"),
                                                  QStringLiteral("Method not allowed for %1").arg(rawPath)),
                                   QByteArray(row.allowed.data(), row.allowed.size())};
        }
        EndpointMatch match{row.endpoint, {}, row.needsAuth};
        if (row.prefix)
            match.argument = QUrl::fromPercentEncoding(path.mid(row.path.size()).toUtf8());
        return match;
    }
    return EndpointRefusal{ApiError::make(404, QStringLiteral("invalid_request_error"), QStringLiteral("unknown_url"),
                                          QStringLiteral("Unknown request URL: %1").arg(rawPath)),
                           {}};
}

} // namespace onegate
