#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QUrl>

namespace onegate {

// The API a client speaks to OneGate. The Ollama ones are served on the
// Ollama-compatible surface's own port (Settings), with no key from loopback.
enum class ClientApi {
    ChatCompletions,
    AnthropicMessages,
    Responses,
    Completions,
    OllamaOpenAiChat,  // Copilot: models from /api/*, chat through /v1/chat/completions
    OllamaChat,        // JetBrains' Ollama provider: /api/chat
};

// The path a client of `api` posts to, e.g. /v1/chat/completions.
QString endpointPath(ClientApi api);
// Whether `api` is reached through the Ollama-compatible surface's port.
bool usesOllamaSurface(ClientApi api);

enum class ConnectClient {
    Continue,
    ClineRoo,
    Zed,
    JetBrains,
    Aider,
    PythonSdk,
    NodeSdk,
    Curl,
    ClaudeCode,
    CodexCli,
    ContinueAutocomplete,
    CopilotOllama,
    JetBrainsOllama,
};

// What the snippet is filled with.
struct SnippetValues {
    QUrl origin;  // http://127.0.0.1:4141
    QUrl apiBase; // http://127.0.0.1:4141/v1
    QUrl ollamaOrigin; // http://127.0.0.1:11435, empty while the Ollama-compatible API is off
    QString key;
    QString model;
    int contextWindow = 0; // tokens, 0 when the config does not say
};

struct ClientSnippet {
    QString label; // translated name of this way of setting the client up, e.g. "In the shell"
    QString where; // translated: where the text goes, e.g. "Add to ~/.continue/config.yaml:"
    QString text;  // what to paste; config or code, so only its comments are translated
    QString note;  // translated caveat, empty when there is none
};

// Ready-to-paste setup for each client OneGate knows, from each client's current
// documentation (checked November 2026; the version followed is noted per client in
// ConnectSnippets.cpp). Pure functions of the values, so the page and its tests agree.
class ConnectSnippets final {
    Q_DECLARE_TR_FUNCTIONS(ConnectSnippets)
public:
    // In the order the page lists them: clients that work today first.
    static QList<ConnectClient> clients();
    static QString name(ConnectClient client);
    static ClientApi api(ConnectClient client);
    // Every way to set `client` up, at least one, the usual one first. A client with
    // more than one (Claude Code: shell variables or its settings file) labels each.
    static QList<ClientSnippet> snippets(ConnectClient client, const SnippetValues &values);

    // Quoting helpers, public for tests.
    static QString jsonString(const QString &text);
    static QString shellWord(const QString &text);
};

} // namespace onegate
