#pragma once

#include "core/ProviderAdapter.h"
#include "routing/RoutePlan.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <memory>

namespace onegate {

// One upstream call of a request (one attempt the router chose): builds the provider's
// request through its adapter, runs it on the provider's transport, decodes the answer
// and reports to its listener, with the attempt's provider key redacted from all of it
// (frames, answers, errors: providers quote keys back). It never talks to the client:
// whether a failure reaches the client or becomes another attempt is the router's call,
// made by the ChatExchange that listens.
class UpstreamAttempt final : public QObject, private ChatStreamSink {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamAttempt)
public:
    class Listener {
    public:
        virtual ~Listener() = default;
        // A stream event (in the client's dialect when native(), else OpenAI Chat);
        // `content` as in ChatStreamSink.
        virtual void attemptFrame(const QByteArray &frame, bool content) = 0;
        virtual void attemptUsage(const TokenUsage &usage) = 0;
        // The stream ended cleanly with the dialect's terminator.
        virtual void attemptCompleted(const QByteArray &terminator) = 0;
        // A non-streaming answer, whole (dialect as for attemptFrame).
        virtual void attemptAnswered(const QByteArray &body, const TokenUsage &usage) = 0;
        // The attempt failed; `result` says how, for the router and for the client.
        virtual void attemptFailed(const AttemptResult &result) = 0;
    };

    // `call` is the request as the client sent it, with this attempt's route and key.
    // The attempt keeps `attempt.provider` (its network managers) alive while it runs.
    UpstreamAttempt(Attempt attempt, ChatCall call, Listener &listener, QObject *parent = nullptr);
    ~UpstreamAttempt() override;

    void start();
    // Stops the provider at once (the client left, or the stream is being failed):
    // nothing more is reported.
    void abort();
    const Attempt &attempt() const { return m_attempt; }
    // The provider speaks the client's dialect: frames, answers and error bodies are
    // already the client's (ProviderAdapter::nativeCodec). Otherwise they are OpenAI Chat.
    bool native() const { return m_native; }
    // Time from start() to the provider's first byte, -1 before it.
    qint64 firstByteMs() const { return m_firstByteMs; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    void onStarted(int status);
    void onData(const QByteArray &bytes);
    void onFinished();

    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    void fail(const ApiError &error);
    AttemptResult failure(const ApiError &error) const;
    ApiError transportError() const;

    Attempt m_attempt;
    ChatCall m_call;
    const ChatCodec *m_codec;
    bool m_native;
    Listener &m_listener;
    QPointer<UpstreamCall> m_upstream;
    std::unique_ptr<ChatStreamDecoder> m_decoder;
    QElapsedTimer m_clock;
    int m_status = 0;
    qint64 m_firstByteMs = -1;
    QByteArray m_body;  // non-stream body, or the error body of a stream request
    bool m_done = false;
};

} // namespace onegate
