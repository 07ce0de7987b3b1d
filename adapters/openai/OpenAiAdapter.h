#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The `openai` kind: any server speaking the OpenAI Chat Completions wire format
// (OpenAI, DeepSeek, Moonshot, Groq, OpenRouter, vLLM, LM Studio, ...). Same dialect in
// and out, so bodies pass through untouched apart from the model name and the request
// for streamed usage; provider errors are relayed with their own status and body.
class OpenAiAdapter final : public ProviderAdapter {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
    UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                     const QByteArray &apiKey) const override;
    ModelListResult decodeModelList(const QByteArray &body) const override;
    // Responses API clients are relayed as they are to a provider configured with
    // `responses: true` (OpenAiResponsesCodec); legacy Completions clients always
    // (OpenAiCompletionsCodec).
    const ChatCodec *nativeCodec(WireDialect dialect, const ProviderSettings &provider) const override;
    // OpenAI's embeddings API, passed through (OpenAiEmbeddingsCodec).
    const ChatCodec *embeddingsCodec(const ProviderSettings &provider) const override;
};

// An error answer from a server speaking OpenAI's wire format: an OpenAI error body is
// kept for relaying with its status; anything else is described.
ApiError openAiUpstreamError(int status, const QByteArray &body, const QByteArray &contentType);

// The body the `openai` kind sends, shared with the other kinds that speak OpenAI Chat
// upstream (azure): the client's body with `model` set to the upstream name and, for a
// stream when `askForUsage`, stream_options.include_usage, so every streamed request can
// be recorded (OpenAiStreamDecoder drops the extra chunk when the client did not ask).
QByteArray openAiPassThroughBody(const ChatCall &call, bool askForUsage = true);

// {base_url}{path}: the openai kind's base_url includes the version path.
QUrl openAiEndpoint(const ProviderSettings &provider, QStringView path);
// Authorization: Bearer and the provider's own headers.
void addOpenAiHeaders(UpstreamRequest &request, const ProviderSettings &provider, const QByteArray &apiKey);

} // namespace onegate
