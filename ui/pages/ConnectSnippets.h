#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QUrl>

namespace onegate {

// The API a client speaks to OneGate. Only what the gateway serves can be tested.
enum class ClientApi { ChatCompletions, AnthropicMessages, Responses };

// Whether this build of the gateway serves `api`. The one place to change when the
// Anthropic Messages and Responses endpoints land (CONTRACT.md section 3 lists them):
// the Connect page then enables Test for Claude Code and Codex and drops their notes.
bool gatewayServes(ClientApi api);

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
};

// What the snippet is filled with.
struct SnippetValues {
    QUrl origin;  // http://127.0.0.1:4141
    QUrl apiBase; // http://127.0.0.1:4141/v1
    QString key;
    QString model;
    int contextWindow = 0; // tokens, 0 when the config does not say
};

struct ClientSnippet {
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
    static ClientSnippet snippet(ConnectClient client, const SnippetValues &values);

    // Quoting helpers, public for tests.
    static QString jsonString(const QString &text);
    static QString shellWord(const QString &text);
};

} // namespace onegate
