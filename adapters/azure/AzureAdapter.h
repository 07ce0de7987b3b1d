#pragma once

#include "core/ProviderAdapter.h"
#include "openai/OpenAiAdapter.h"

namespace onegate {

// The `azure` kind: Azure OpenAI deployments. Azure speaks OpenAI Chat, so this is the
// `openai` kind's pass-through (body, response relay, error relay, usage capture) with
// Azure's addressing: {base_url}/openai/deployments/{deployment}/chat/completions
// ?api-version=..., the model id being the deployment name, and the key in `api-key`.
//
// Gateway choices (each tested in tests/azure):
// - The body keeps "model", set to the deployment name. Azure routes by the path and
//   ignores it, and the official openai-python AzureOpenAI client sends it the same way.
// - stream_options.include_usage is added on the client's behalf only for api-versions
//   that accept it (2024-09-01-preview and later, and undated ones such as "v1"); older
//   ones answer 400 "Unrecognized request argument supplied: stream_options". A client's
//   own stream_options always passes through.
// - Azure's first stream chunk ("choices": [], empty id and model, prompt_filter_results)
//   is folded into the next chunk (see AzureStreamDecoder); content_filter_results and
//   the content_filter finish reason pass through untouched.
// - Errors are relayed with Azure's status and body. Azure's own error bodies
//   ({"error":{"code":"401","message":...}}) lack type and param, so those fields are
//   added as null to honour the OpenAI error shape; bodies that already have all four
//   (the content-filter 400, with its innererror) go through byte for byte.
// - Embeddings go the same way to .../deployments/{deployment}/embeddings
//   (AzureEmbeddingsCodec): body, relay and errors as for chat.
// - The model list is the deployment list (GET /openai/deployments, see
//   kDeploymentListApiVersion): deployments are what a chat call can name, whereas
//   /openai/models lists base models, which are not callable by name.
class AzureAdapter final : public ProviderAdapter {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body,
                      const QByteArray &contentType) const override;
    UpstreamRequest modelListRequest(const ProviderSettings &provider,
                                     const QByteArray &apiKey) const override;
    ModelListResult decodeModelList(const QByteArray &body) const override;
    const ChatCodec *embeddingsCodec(const ProviderSettings &provider) const override;

    // POST {base_url}/openai/deployments/{call.upstreamModel}/{operation}?api-version=...
    // with the pass-through body and the key in api-key: how every Azure OpenAI call is
    // put (operation "chat/completions", "embeddings"). A 400 when the model cannot be a
    // deployment name.
    static std::variant<UpstreamRequest, ApiError> deploymentRequest(const ChatCall &call,
                                                                     QLatin1String operation);

    // The api-version used when the settings carry none (the config parser's default).
    static constexpr QLatin1String kDefaultApiVersion{"2024-10-21"};
    // The deployment list exists only in the old data-plane authoring API (the specs drop
    // it from 2023-05-15 on, and Microsoft calls it retired in favour of the management
    // plane, which an api-key cannot reach). This preview is the last api-version that
    // still answers it: other gateways checked it live in 2026 (hugalafutro/model-hotel
    // #506, langflow-ai/langflow#14509). Should Azure stop, the fetch reports Azure's
    // error and the deployments stay listed by hand in the config, as they are today.
    static constexpr QLatin1String kDeploymentListApiVersion{"2023-03-15-preview"};
    // Whether Azure takes stream_options on this api-version.
    static bool acceptsStreamOptions(const QString &apiVersion);

private:
    OpenAiAdapter m_openAi;  // same wire format: body, relay and error handling are shared
};

// An error answer from Azure: relayed as the openai kind relays it, with the OpenAI error
// fields Azure's own bodies lack (type, param) added as null.
ApiError azureUpstreamError(int status, const QByteArray &body, const QByteArray &contentType);

} // namespace onegate
