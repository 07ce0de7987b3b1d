#include "EndpointTable.h"

#include <QUrl>

namespace onegate {

namespace {

using Method = QHttpServerRequest::Method;

enum On { Main = 1, Ollama = 2, Both = Main | Ollama };

struct Row {
    QLatin1String path;
    bool prefix;      // `path` followed by a non-empty argument
    bool apiPath;     // also under /v1
    Method method;    // GET rows answer HEAD too only for Health and OllamaRoot
    QLatin1String allowed;
    Endpoint endpoint;
    bool needsAuth;
    int surfaces;     // On: the listeners that serve the row
};

const Row kRows[] = {
    {QLatin1String("/health"), false, false, Method::Get, QLatin1String("GET, HEAD"), Endpoint::Health, false, Both},
    {QLatin1String("/"), false, false, Method::Get, QLatin1String("GET, HEAD"), Endpoint::Health, false, Main},
    {QLatin1String("/"), false, false, Method::Get, QLatin1String("GET, HEAD"), Endpoint::OllamaRoot, false, Ollama},
    {QLatin1String("/models"), false, true, Method::Get, QLatin1String("GET"), Endpoint::Models, true, Both},
    {QLatin1String("/models/"), true, true, Method::Get, QLatin1String("GET"), Endpoint::Model, true, Both},
    {QLatin1String("/chat/completions"), false, true, Method::Post, QLatin1String("POST"), Endpoint::ChatCompletions, true, Both},
    {QLatin1String("/messages"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Messages, true, Both},
    {QLatin1String("/messages/count_tokens"), false, true, Method::Post, QLatin1String("POST"), Endpoint::CountTokens, true, Both},
    {QLatin1String("/responses"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Responses, true, Both},
    {QLatin1String("/completions"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Completions, true, Both},
    {QLatin1String("/embeddings"), false, true, Method::Post, QLatin1String("POST"), Endpoint::Embeddings, true, Both},
    {QLatin1String("/metrics"), false, false, Method::Get, QLatin1String("GET"), Endpoint::Metrics, true, Main},
    {QLatin1String("/onegate/routes"), false, false, Method::Get, QLatin1String("GET"), Endpoint::RouteHealth, true, Main},
    // The version is what Copilot checks before anything else, with no key (as /health).
    {QLatin1String("/api/version"), false, false, Method::Get, QLatin1String("GET"), Endpoint::OllamaVersion, false, Ollama},
    {QLatin1String("/api/tags"), false, false, Method::Get, QLatin1String("GET"), Endpoint::OllamaTags, true, Ollama},
    {QLatin1String("/api/show"), false, false, Method::Post, QLatin1String("POST"), Endpoint::OllamaShow, true, Ollama},
    {QLatin1String("/api/ps"), false, false, Method::Get, QLatin1String("GET"), Endpoint::OllamaRunning, true, Ollama},
    {QLatin1String("/api/chat"), false, false, Method::Post, QLatin1String("POST"), Endpoint::OllamaChat, true, Ollama},
    {QLatin1String("/api/generate"), false, false, Method::Post, QLatin1String("POST"), Endpoint::OllamaGenerate, true, Ollama},
    {QLatin1String("/api/embed"), false, false, Method::Post, QLatin1String("POST"), Endpoint::OllamaEmbed, true, Ollama},
    {QLatin1String("/api/embeddings"), false, false, Method::Post, QLatin1String("POST"), Endpoint::OllamaEmbeddings, true, Ollama},
};

} // namespace

bool anthropicErrorShape(const QString &rawPath, bool hasAnthropicVersion)
{
    const QString apiPath = rawPath.startsWith(QLatin1String("/v1/")) ? rawPath.mid(3) : rawPath;
    if (apiPath == QLatin1String("/messages") || apiPath.startsWith(QLatin1String("/messages/")))
        return true;
    return hasAnthropicVersion && apiPath != QLatin1String("/chat/completions");
}

bool ollamaErrorShape(const QString &rawPath)
{
    return rawPath.startsWith(QLatin1String("/api/"));
}

std::variant<EndpointMatch, EndpointRefusal> matchEndpoint(const QString &rawPath, Method method, Surface surface)
{
    const QString apiPath = rawPath.startsWith(QLatin1String("/v1/")) ? rawPath.mid(3) : rawPath;
    const int on = surface == Surface::Ollama ? Ollama : Main;
    for (const Row &row : kRows) {
        if (!(row.surfaces & on))
            continue;
        const QString &path = row.apiPath ? apiPath : rawPath;
        const bool matches = row.prefix ? path.startsWith(row.path) && path.size() > row.path.size()
                                        : path == row.path;
        if (!matches)
            continue;
        const bool headOk = (row.endpoint == Endpoint::Health || row.endpoint == Endpoint::OllamaRoot)
            && method == Method::Head;
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
