#pragma once

#include "ClientDialect.h"
#include "OpenAiChatDialect.h"

#include <QByteArray>
#include <variant>

namespace onegate {

// POST /v1/embeddings at the front door: what a valid request is (errors name the field,
// in OpenAI's words). The envelope's body is the client's request, checked, for the
// providers' embeddings codecs (ProviderAdapter::embeddingsCodec); never streamed.
class OpenAiEmbeddingsRequestDecoder final {
public:
    // Input: a string, an array of strings, a token array or an array of token arrays;
    // at most kMaxInputs items (OpenAI's own limit).
    static constexpr qsizetype kMaxInputs = 2048;
    static std::variant<ChatEnvelope, ApiError> decode(const QByteArray &body);
};

// The client side of /v1/embeddings: every codec already answers in OpenAI's shape, so
// the answer goes out as it is; errors are OpenAI's.
class OpenAiEmbeddingsClient final : public ClientDialect {
public:
    WireDialect wire() const override { return WireDialect::OpenAiEmbeddings; }
    std::unique_ptr<ChatStreamSink> streamTranslator(StreamOutlet) const override { return nullptr; }
    std::variant<QByteArray, ApiError> answer(const QByteArray &embeddings) const override { return embeddings; }
    void sendError(QHttpServerResponder &responder, const ApiError &error,
                   const HeaderPairs &headers = {}) const override
    {
        m_chat.sendError(responder, error, headers);
    }
    QByteArray streamError(const ApiError &error) const override { return m_chat.streamError(error); }

private:
    OpenAiChatClient m_chat;
};

} // namespace onegate
