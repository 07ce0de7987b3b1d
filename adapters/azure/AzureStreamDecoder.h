#pragma once

#include "core/ProviderAdapter.h"
#include "openai/OpenAiStreamDecoder.h"

#include <QJsonValue>

namespace onegate {

// An Azure OpenAI chat stream, relayed like the `openai` kind's (OpenAiStreamDecoder does
// the SSE parsing, usage capture, hidden usage chunk, in-stream errors and truncation)
// with one Azure quirk smoothed out: the stream opens with a chunk that has no choices,
// an empty id, model and object, created 0 and the prompt's `prompt_filter_results`.
//
// Gateway choice: that chunk is held back and its `prompt_filter_results` are folded into
// the next chunk that has choices (where Azure's non-stream answer carries them too, at
// the top level). The openai SDKs would tolerate it, but clients that read choices[0] of
// every chunk, or take the id and model from the first one, would not; after the fold
// every chunk the client sees has a choice, a real id and model, and nothing Azure said
// is dropped. Should the stream end cleanly with the chunk still held, it is relayed
// unchanged before the terminator; if the stream fails first it is dropped, so a failure
// right after it still reaches the client as a plain HTTP error.
class AzureStreamDecoder final : public ChatStreamDecoder, private ChatStreamSink {
public:
    explicit AzureStreamDecoder(bool clientWantsUsage);
    void feed(QByteArrayView bytes, ChatStreamSink &sink) override;
    void finish(ChatStreamSink &sink) override;

private:
    // What OpenAiStreamDecoder hands on, before the client sees it.
    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    OpenAiStreamDecoder m_relay;
    ChatStreamSink *m_client = nullptr;
    QByteArray m_heldFrame;           // the prompt-filter chunk, as Azure sent it
    QJsonValue m_promptFilterResults; // its prompt_filter_results
    bool m_sawChoices = false;        // past the first chunk with choices: relay as is
};

} // namespace onegate
