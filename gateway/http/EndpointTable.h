#pragma once

#include "core/ApiError.h"

#include <QByteArray>
#include <QHttpServerRequest>
#include <QString>
#include <variant>

namespace onegate {

// Every path OneGate answers, in one table (EndpointTable.cpp): which endpoint a request
// is for, or the 404/405 it gets. A new dialect adds its rows there.
enum class Endpoint {
    Health,           // GET/HEAD /health and /: no key needed
    Models,           // GET /v1/models
    Model,            // GET /v1/models/{id}; ids may contain '/'
    ChatCompletions,  // POST /v1/chat/completions (OpenAI Chat dialect)
    Messages,         // POST /v1/messages (Anthropic Messages dialect)
    CountTokens,      // POST /v1/messages/count_tokens (Anthropic)
    Responses,        // POST /v1/responses (OpenAI Responses dialect)
    Completions,      // POST /v1/completions (OpenAI legacy Completions dialect)
    Embeddings,       // POST /v1/embeddings (OpenAI)
    Metrics,          // GET /metrics (Prometheus text)
    RouteHealth,      // GET /onegate/routes (the router's health, JSON)
    // The Ollama-compatible surface only (its own port): clients that speak nothing else.
    OllamaRoot,       // GET/HEAD /: "Ollama is running", as Ollama answers
    OllamaVersion,    // GET /api/version
    OllamaTags,       // GET /api/tags
    OllamaShow,       // POST /api/show
    OllamaRunning,    // GET /api/ps
    OllamaChat,       // POST /api/chat
    OllamaGenerate,   // POST /api/generate
    OllamaEmbed,      // POST /api/embed
    OllamaEmbeddings, // POST /api/embeddings (Ollama's older single-prompt form)
};

// Which listener a request came in on: the main API port, or the Ollama-compatible
// surface (config `ollama.listen`), which serves the /api/* paths besides the OpenAI and
// Anthropic ones (Copilot's Ollama provider lists models through /api/* and then chats
// through /v1/chat/completions on the same port).
enum class Surface { Main, Ollama };

struct EndpointMatch {
    Endpoint endpoint = Endpoint::Health;
    QString argument;   // the model id of Endpoint::Model, percent-decoded
    bool needsAuth = true;
};

// Whether errors on this path take the Anthropic shape: the Messages API paths, and any
// request an Anthropic client makes (it sends anthropic-version), but never the OpenAI
// Chat endpoint.
bool anthropicErrorShape(const QString &rawPath, bool hasAnthropicVersion);
// Whether errors on this path take Ollama's shape ({"error": "..."}): the /api/* paths.
bool ollamaErrorShape(const QString &rawPath);

struct EndpointRefusal {
    ApiError error;      // 404 unknown path, 405 wrong method
    QByteArray allowed;  // the Allow header of a 405
};

// API paths work with and without the /v1 prefix (clients are configured either way).
// The query string is not part of `rawPath` (Claude Code adds ?beta=true).
std::variant<EndpointMatch, EndpointRefusal> matchEndpoint(const QString &rawPath,
                                                           QHttpServerRequest::Method method,
                                                           Surface surface = Surface::Main);

} // namespace onegate
