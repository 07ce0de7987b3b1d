#include "pages/ConnectSnippets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// Zed needs a context window for every model; a common size when the config has none.
constexpr int kAssumedContextWindow = 128000;

} // namespace

QString endpointPath(ClientApi api)
{
    switch (api) {
    case ClientApi::AnthropicMessages:
        return u"/v1/messages"_s;
    case ClientApi::Responses:
        return u"/v1/responses"_s;
    case ClientApi::Completions:
        return u"/v1/completions"_s;
    case ClientApi::OllamaChat:
        return u"/api/chat"_s;
    case ClientApi::ChatCompletions:
    case ClientApi::OllamaOpenAiChat:
        break;
    }
    return u"/v1/chat/completions"_s;
}

bool usesOllamaSurface(ClientApi api)
{
    return api == ClientApi::OllamaOpenAiChat || api == ClientApi::OllamaChat;
}

QList<ConnectClient> ConnectSnippets::clients()
{
    return {ConnectClient::Continue,      ConnectClient::ContinueAutocomplete, ConnectClient::ClineRoo,
            ConnectClient::Zed,           ConnectClient::JetBrains,            ConnectClient::JetBrainsOllama,
            ConnectClient::CopilotOllama, ConnectClient::ClaudeCode,           ConnectClient::CodexCli,
            ConnectClient::Aider,         ConnectClient::PythonSdk,            ConnectClient::NodeSdk,
            ConnectClient::Curl};
}

QString ConnectSnippets::name(ConnectClient client)
{
    // Product names stay as their makers write them; only the SDK labels are phrases.
    switch (client) {
    case ConnectClient::Continue:
        return u"Continue"_s;
    case ConnectClient::ClineRoo:
        return u"Cline / Roo Code"_s;
    case ConnectClient::Zed:
        return u"Zed"_s;
    case ConnectClient::JetBrains:
        return u"JetBrains AI Assistant"_s;
    case ConnectClient::Aider:
        return u"Aider"_s;
    case ConnectClient::PythonSdk:
        return tr("OpenAI Python SDK");
    case ConnectClient::NodeSdk:
        return tr("OpenAI Node SDK");
    case ConnectClient::Curl:
        return u"curl"_s;
    case ConnectClient::ClaudeCode:
        return u"Claude Code"_s;
    case ConnectClient::CodexCli:
        return u"Codex CLI"_s;
    case ConnectClient::ContinueAutocomplete:
        return tr("Continue (autocomplete)");
    case ConnectClient::CopilotOllama:
        return tr("GitHub Copilot (as Ollama)");
    case ConnectClient::JetBrainsOllama:
        return tr("JetBrains AI Assistant (as Ollama)");
    }
    return {};
}

ClientApi ConnectSnippets::api(ConnectClient client)
{
    switch (client) {
    case ConnectClient::ClaudeCode:
        return ClientApi::AnthropicMessages;
    case ConnectClient::CodexCli:
        return ClientApi::Responses;
    case ConnectClient::ContinueAutocomplete:
        return ClientApi::Completions;
    case ConnectClient::CopilotOllama:
        return ClientApi::OllamaOpenAiChat;
    case ConnectClient::JetBrainsOllama:
        return ClientApi::OllamaChat;
    default:
        return ClientApi::ChatCompletions;
    }
}

QString ConnectSnippets::jsonString(const QString &text)
{
    // The JSON spelling is also a valid string literal in YAML (double-quoted), TOML
    // (basic string), Python and JavaScript, so one escaper serves every snippet.
    QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

QString ConnectSnippets::shellWord(const QString &text)
{
    static const QRegularExpression plain(u"^[A-Za-z0-9_./:@%+=,-]+$"_s);
    if (plain.match(text).hasMatch())
        return text;
    QString quoted = text;
    quoted.replace(u'\'', u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QList<ClientSnippet> ConnectSnippets::snippets(ConnectClient client, const SnippetValues &values)
{
    const QString base = values.apiBase.toString();
    const QString origin = values.origin.toString();
    const QString key = values.key;
    const QString model = values.model;
    // Shown while the surface is off, so the setup still reads right once it is on.
    const QString ollama = values.ollamaOrigin.isEmpty() ? u"http://127.0.0.1:11435"_s
                                                          : values.ollamaOrigin.toString();
    ClientSnippet s;

    switch (client) {
    case ConnectClient::Continue:
        // docs.continue.dev, "How to Configure OpenAI Models with Continue" (config.yaml,
        // schema v1, OpenAI-compatible providers via apiBase), as of November 2026.
        s.where = tr("Add this to ~/.continue/config.yaml; if the file already has a models list, "
                     "add just the entry to it:");
        s.text = uR"(models:
  - name: %1
    provider: openai
    model: %2
    apiBase: %3
    apiKey: %4
)"_s.arg(jsonString(tr("%1 (OneGate)").arg(model)), jsonString(model), jsonString(base),
         jsonString(key));
        break;

    case ConnectClient::ClineRoo:
        // docs.cline.bot/provider-config/openai-compatible and
        // docs.roocode.com/providers/openai-compatible, as of November 2026. The field
        // names are the extensions' own (English) labels.
        s.where = tr("In the Cline or Roo Code settings (the gear icon), fill in:");
        s.text = uR"(API Provider: OpenAI Compatible
Base URL: %1
API Key: %2
Model ID: %3
)"_s.arg(base, key, model);
        break;

    case ConnectClient::Zed:
        // zed.dev/docs/ai/use-api-access, "OpenAI-compatible endpoints": a
        // language_models.openai_compatible entry; the key is read from the Agent settings
        // (keychain) or from <PROVIDER>_API_KEY, never from settings.json. November 2026.
        s.where = tr("Merge this into Zed's settings.json (command: zed: open settings):");
        s.text = uR"("language_models": {
  "openai_compatible": {
    "OneGate": {
      "api_url": %1,
      "available_models": [
        {
          "name": %2,
          "display_name": %3,
          "max_tokens": %6,
          "capabilities": { "tools": true, "images": false, "parallel_tool_calls": true, "prompt_cache_key": false }
        }
      ]
    }
  }
}
// %4
// export ONEGATE_API_KEY=%5
)"_s.arg(jsonString(base), jsonString(model), jsonString(tr("%1 (OneGate)").arg(model)),
         tr("API key: enter it for \"OneGate\" in Zed's Agent settings, or start Zed "
            "from a shell with:"),
         shellWord(key),
         QString::number(values.contextWindow > 0 ? values.contextWindow : kAssumedContextWindow));
        if (values.contextWindow <= 0) {
            s.note =
                tr("max_tokens is the model's context window. Its size is not set on the Models "
                   "page, so 128000 is assumed: change it to the real size so Zed knows when to "
                   "truncate.");
        }
        break;

    case ConnectClient::JetBrains:
        // jetbrains.com/help/ai-assistant/use-custom-models.html (Models & API keys,
        // Third-party AI providers, OpenAI-compatible), as of November 2026.
        s.where = tr("In the IDE, open Settings | Tools | AI Assistant | Models & API keys, "
                     "and under Third-party AI providers fill in:");
        s.text = uR"(Provider: OpenAI-compatible
URL: %1
API key: %2
Model: %3
)"_s.arg(base, key, model);
        s.note = tr("The model is not a provider setting: choose it in the AI Chat model list once "
                    "the provider is added.");
        break;

    case ConnectClient::Aider:
        // aider.chat/docs/llms/openai-compat.html, as of November 2026: the openai/ prefix
        // tells Aider to use its OpenAI-compatible client.
        s.where = tr("Run in the shell where you start Aider:");
        s.text = uR"(export OPENAI_API_BASE=%1
export OPENAI_API_KEY=%2
aider --model %3
)"_s.arg(shellWord(base), shellWord(key), shellWord(u"openai/"_s + model));
        break;

    case ConnectClient::PythonSdk:
        // The openai package (v1 and later) takes base_url and api_key.
        s.where = tr("With the openai package (pip install openai):");
        s.text = uR"(from openai import OpenAI

client = OpenAI(base_url=%1, api_key=%2)
reply = client.chat.completions.create(
    model=%3,
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)
)"_s.arg(jsonString(base), jsonString(key), jsonString(model));
        break;

    case ConnectClient::NodeSdk:
        // The openai npm package (v4 and later) takes baseURL and apiKey.
        s.where = tr("With the openai package (npm install openai), as an ES module:");
        s.text = uR"(import OpenAI from 'openai';

const client = new OpenAI({ baseURL: %1, apiKey: %2 });
const reply = await client.chat.completions.create({
  model: %3,
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(reply.choices[0].message.content);
)"_s.arg(jsonString(base), jsonString(key), jsonString(model));
        break;

    case ConnectClient::Curl: {
        s.where = tr("From a shell:");
        const QString body =
            uR"({"model":%1,"messages":[{"role":"user","content":"Hello"}]})"_s.arg(
                jsonString(model));
        s.text = uR"(curl %1 \
  -H %2 \
  -H 'Content-Type: application/json' \
  -d %3
)"_s.arg(shellWord(base + u"/chat/completions"_s), shellWord(u"Authorization: Bearer "_s + key),
         shellWord(body));
        break;
    }

    case ConnectClient::ClaudeCode: {
        // code.claude.com/docs/en/env-vars, settings and model-config, as of November 2026:
        // ANTHROPIC_BASE_URL is the origin (Claude Code appends /v1/messages),
        // ANTHROPIC_AUTH_TOKEN is sent as "Authorization: Bearer", and settings.json takes
        // the same variables in its "env" object. Claude Code also picks models by itself
        // (the opus / sonnet / haiku aliases, background work), so those go to the chosen
        // model too rather than to claude-* ids OneGate may not serve.
        const QList<QPair<QString, QString>> env{
            {u"ANTHROPIC_BASE_URL"_s, origin},
            {u"ANTHROPIC_AUTH_TOKEN"_s, key},
            {u"ANTHROPIC_MODEL"_s, model},
            {u"ANTHROPIC_DEFAULT_OPUS_MODEL"_s, model},
            {u"ANTHROPIC_DEFAULT_SONNET_MODEL"_s, model},
            {u"ANTHROPIC_DEFAULT_HAIKU_MODEL"_s, model},
            {u"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"_s, u"1"_s},
        };
        const QString note =
            tr("ANTHROPIC_DEFAULT_HAIKU_MODEL is the model Claude Code uses for background work "
               "such as titles and summaries. It is the chosen model here; you may set it to a "
               "cheaper, faster model that OneGate serves. "
               "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC turns off Claude Code's telemetry, "
               "error reports and automatic updates.");

        ClientSnippet shell;
        shell.label = tr("In the shell");
        shell.where = tr("Run in the shell where you start Claude Code:");
        for (const auto &[name, value] : env)
            shell.text += u"export %1=%2\n"_s.arg(name, shellWord(value));
        shell.text += u"claude\n"_s;
        shell.note = note;

        ClientSnippet file;
        file.label = tr("In settings.json");
        file.where = tr("Add to ~/.claude/settings.json (or to .claude/settings.json in a "
                        "project); if the file already has an env block, add just these entries "
                        "to it:");
        QStringList entries;
        for (const auto &[name, value] : env)
            entries.append(u"    %1: %2"_s.arg(jsonString(name), jsonString(value)));
        file.text = u"{\n  \"env\": {\n%1\n  }\n}\n"_s.arg(entries.join(u",\n"_s));
        file.note = note;
        return {shell, file};
    }

    case ConnectClient::CodexCli:
        // developers.openai.com/codex/config-advanced and config-reference, Codex CLI
        // 0.16x, November 2026: custom providers are [model_providers.<id>] tables, the
        // id may not be openai, ollama or lmstudio, the key comes from the variable named
        // by env_key, and "responses" is the only wire_api current releases accept.
        s.where = tr("Add to ~/.codex/config.toml:");
        s.text = uR"(model = %1
model_provider = "onegate"

[model_providers.onegate]
name = "OneGate"
base_url = %2
env_key = "ONEGATE_API_KEY"
wire_api = "responses"

# %3
# export ONEGATE_API_KEY=%4
)"_s.arg(jsonString(model), jsonString(base),
         tr("Codex reads the key from this variable; set it in the shell that starts "
            "codex:"),
         shellWord(key));
        break;

    case ConnectClient::ContinueAutocomplete:
        // docs.continue.dev: config.yaml roles (autocomplete) and the OpenAI provider's
        // useLegacyCompletionsEndpoint, which sends completions to /v1/completions rather
        // than /v1/chat/completions; as of November 2026.
        s.where = tr("Add this to the models list in ~/.continue/config.yaml:");
        s.text = uR"(models:
  - name: %1
    provider: openai
    model: %2
    apiBase: %3
    apiKey: %4
    useLegacyCompletionsEndpoint: true
    roles:
      - autocomplete
)"_s.arg(jsonString(tr("%1 (OneGate autocomplete)").arg(model)), jsonString(model), jsonString(base),
         jsonString(key));
        s.note = tr("Autocomplete asks for many short completions, so a small, fast model works "
                    "best. When Continue sends the text after the cursor (fill-in-the-middle), "
                    "only a provider with its own /v1/completions endpoint can answer it; OneGate "
                    "says so in the error otherwise.");
        break;

    case ConnectClient::CopilotOllama:
        // The Copilot Chat extension's Ollama provider (github.copilot.chat.byok.ollamaEndpoint):
        // it checks /api/version (0.6.4 or later), lists /api/tags, reads /api/show for
        // capabilities and context length, then chats through /v1/chat/completions on
        // the same address, sending no key. As of November 2026.
        s.where = tr("Add to VS Code's settings.json (command: Preferences: Open User Settings "
                     "(JSON)):");
        s.text = uR"("github.copilot.chat.byok.ollamaEndpoint": %1
)"_s.arg(jsonString(ollama));
        s.note = tr("Then, in the Copilot Chat model picker, choose Manage Models..., pick Ollama "
                    "and tick %1. Copilot cannot send a key: OneGate's Ollama-compatible API "
                    "takes requests without one from this computer only.")
                     .arg(model);
        break;

    case ConnectClient::JetBrainsOllama:
        // jetbrains.com/help/ai-assistant/use-custom-models.html, Third-party AI providers,
        // Ollama: a URL only; the IDE lists /api/tags and chats through /api/chat. As of
        // November 2026.
        s.where = tr("In the IDE, open Settings | Tools | AI Assistant | Models & API keys, and "
                     "under Third-party AI providers fill in:");
        s.text = uR"(Provider: Ollama
URL: %1
)"_s.arg(ollama);
        s.note = tr("Click Test Connection, then choose %1 in the AI Chat model list. No key is "
                    "needed: OneGate's Ollama-compatible API takes requests without one from "
                    "this computer only.")
                     .arg(model);
        break;
    }

    if (usesOllamaSurface(api(client)) && values.ollamaOrigin.isEmpty()) {
        const QString off = tr("The Ollama-compatible API is off: turn it on in Settings first.");
        s.note = s.note.isEmpty() ? off : off + u'\n' + s.note;
    }
    return {s};
}

} // namespace onegate
