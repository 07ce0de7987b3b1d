#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The `ollama` kind: Ollama's native API (POST /api/chat, NDJSON when streamed;
// GET /api/tags for the model list), translated to and from OpenAI Chat. The base URL is
// the server's origin. Ollama is usually local and keyless; when the provider has a key
// (Ollama behind a proxy, ollama.com) it is sent as `Authorization: Bearer`. The
// translation rules and gateway choices are in OllamaChatCodec.h.
class OllamaAdapter final : public ProviderAdapter {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
    UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                     const QByteArray &apiKey) const override;
    ModelListResult decodeModelList(const QByteArray &body) const override;
    // POST /api/embed, translated (OllamaEmbeddingsCodec).
    const ChatCodec *embeddingsCodec(const ProviderSettings &provider) const override;
};

// A request to {base_url}{path} with `Accept: accept`, the key as a bearer token when the
// provider has one, and the provider's own headers: every Ollama request's start.
UpstreamRequest ollamaRequest(const ProviderSettings &provider, const QByteArray &apiKey, QStringView path,
                              const QByteArray &accept);
// An HTTP error answer from Ollama as the client should see it (OllamaAdapter::mapError).
ApiError ollamaUpstreamError(int status, const QByteArray &body);

} // namespace onegate
