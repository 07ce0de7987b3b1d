#pragma once

#include "core/ProviderAdapter.h"

namespace onegate {

// The openai kind's codec for legacy Completions clients (/v1/completions, editor
// autocomplete): every OpenAI-compatible server is taken to offer /completions, so the
// client's body passes through to {base_url}/completions with only `model` rewritten
// (and streamed usage asked for, dropped again when the client did not ask). Answers,
// chunks and errors come back as sent; suffix (fill-in-the-middle), echo, logprobs and
// several prompts all work where the server has them.
class OpenAiCompletionsCodec final : public ChatCodec {
public:
    std::variant<UpstreamRequest, ApiError> chatRequest(const ChatCall &call) const override;
    std::unique_ptr<ChatStreamDecoder> streamDecoder(const ChatCall &call) const override;
    ChatResult decodeChat(const ChatCall &call, const QByteArray &body) const override;
    ApiError mapError(int status, const QByteArray &body, const QByteArray &contentType) const override;
};

} // namespace onegate
