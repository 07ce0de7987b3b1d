#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The `gemini` kind: Google's Gemini API (generativelanguage.googleapis.com, v1beta).
// base_url is the origin; chat goes to
//   POST {base_url}/v1beta/models/{model}:generateContent
//   POST {base_url}/v1beta/models/{model}:streamGenerateContent?alt=sse
// and the model list is GET {base_url}/v1beta/models?pageSize=1000 (the largest page
// Gemini serves, so one request covers the whole list; nextPageToken is not followed).
// The key travels only in the x-goog-api-key header, never as ?key=, which would end up
// in proxy and access logs. The model id is percent-encoded into the path.
// Translation rules and gateway choices: GeminiRequest.h, GeminiResponse.h,
// GeminiStreamDecoder.h.
class GeminiAdapter final : public ProviderAdapter {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
    UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                     const QByteArray &apiKey) const override;
    // Model ids without the "models/" prefix, only those supporting generateContent.
    ModelListResult decodeModelList(const QByteArray &body) const override;
    // models/{model}:batchEmbedContents, translated (GeminiEmbeddingsCodec).
    const ChatCodec *embeddingsCodec(const ProviderSettings &provider) const override;
};

// {base_url}{suffix}[?query]; `suffix` and `query` are already percent-encoded.
QUrl geminiEndpoint(const ProviderSettings &provider, const QString &suffix, const QString &query = {});
// Accept, the key in x-goog-api-key and the provider's own headers: every Gemini request's.
void addGeminiHeaders(UpstreamRequest &request, const ProviderSettings &provider,
                      const QByteArray &apiKey, bool stream);
// An HTTP error answer from Gemini as the client should see it (GeminiAdapter::mapError).
ApiError geminiUpstreamError(int status, const QByteArray &body);

} // namespace onegate
