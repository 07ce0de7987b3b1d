#pragma once

#include "UpstreamAttempt.h"
#include "cache/CacheEntry.h"
#include "cache/StreamCapture.h"
#include "dialects/ClientDialect.h"
#include "http/HttpResponses.h"
#include "limits/KeyLimiter.h"
#include "routing/RoutePlan.h"
#include "usage/UsageRecord.h"

#include <QElapsedTimer>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <memory>
#include <optional>

namespace onegate {

struct Config;
class GatewayMetrics;
class ResponseCache;
class UsageRecorder;

// One chat completion from the moment it is routed until its last byte. It runs the
// attempts its RoutePlan (the router stage) chooses, one UpstreamAttempt at a time,
// and owns everything the client sees: the response head is held back until an attempt
// has produced content (or a whole answer), so every failure before that can still fail
// over to another attempt; after it, a failure ends the stream with an error event.
// The end of every answer (the stream's terminator, or a whole non-stream body) is held
// until the usage row is durable (journaled at once, or else committed), so a finished
// request is never lost.
//
// QHttpServer 6.4 deletes the socket under a moved responder when the client goes away
// (DESIGN.md section 3): the socket is watched through a QPointer, checked before every
// write, and its loss aborts the upstream request (or a pending retry) at once.
//
// A config reload does not touch an exchange already running: it holds the config
// snapshot it started with, and each attempt its provider runtime, until deleted.
class ChatExchange final : public QObject, private UpstreamAttempt::Listener {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatExchange)
public:
    struct Setup {
        // Shared with the gateway until a reload replaces it there; the routes in `plan`
        // and `call.provider` point into it.
        std::shared_ptr<const Config> config;
        std::unique_ptr<RoutePlan> plan;
        ChatCall call;                   // as the client sent it; each attempt sets its route
        UsageRecorder *usage = nullptr;  // may be null in tests
        UsageRecord record;              // identity fields filled in by the caller
        QElapsedTimer clock;             // started when the request arrived
        GatewayMetrics *metrics = nullptr;
        // The response cache was consulted (x-onegate-cache answers hit or miss): with a
        // hit, `cached` is the answer and no provider is called; with a miss, a complete
        // answer is stored under `cacheKey`.
        ResponseCache *cache = nullptr;
        QByteArray cacheKey;
        std::optional<CacheEntry> cached;
        // The client's dialect: renders answers, streams and errors (never null).
        std::unique_ptr<const ClientDialect> dialect;
        // A stream that shows nothing for this long gets the dialect's keep-alive event
        // (if it has one); after the provider has begun answering, such a wait also ends
        // the chance to fail over, since the response head must go out first.
        int keepAliveMs = 10'000;
        // Headers every answer carries besides the route's (an allowed origin's CORS
        // headers, the key's rate-limit headers).
        HeaderPairs responseHeaders;
        // The request's place in its access key's limits: settled with the usage row.
        std::unique_ptr<LimitTicket> limitTicket;
    };

    ChatExchange(QHttpServerResponder &&responder, Setup setup, QObject *parent = nullptr);
    ~ChatExchange() override;

    void start();
    // Ends the exchange early (shutdown): a stream gets an error event, others a 503.
    void cancel(const QString &reason);

Q_SIGNALS:
    // After the last byte was written (or the client left); the owner deletes this.
    void done();

private:
    enum class Phase { Waiting, Streaming, Finishing, Done };

    void serveCached(const CacheEntry &entry);
    void run(RoutePlan::Step step);
    void startAttempt(Attempt attempt);
    void endAttempt();
    void onClientGone();

    void attemptFrame(const QByteArray &frame, bool content) override;
    void attemptUsage(const TokenUsage &usage) override;
    void attemptCompleted(const QByteArray &terminator) override;
    void attemptAnswered(const QByteArray &body, const TokenUsage &usage) override;
    void attemptFailed(const AttemptResult &result) override;

    // A frame in the client's dialect (translated, native, or OpenAI for OpenAI clients).
    void clientFrame(const QByteArray &frame, bool content);
    // What the client gets of the attempt's frames: through the dialect's translator
    // unless the provider speaks the client's dialect.
    StreamOutlet translatedOutlet();
    void translationFailed();
    void keepAliveTick();

    // Nothing was written yet: the client gets a plain HTTP error.
    void failBeforeAnswer(const ApiError &error, std::optional<qint64> retryAfterMs);
    // The stream has begun: an error event, no terminator.
    void failStream(const ApiError &error);
    // Records usage, then runs `tail` (the last bytes) once the row is durable.
    void finishAfterRecord(int status, const QString &error, std::function<void()> tail);
    void close();

    bool clientConnected() const;
    void beginStream();
    void sendChunk(const QByteArray &data);
    // A stream frame to the client (a native one shown to the dialect first).
    void deliver(const QByteArray &frame);
    HeaderPairs routeHeaders() const;

    QHttpServerResponder m_responder;
    // Typed as the base: when the gateway is torn down mid-request, ~QAbstractSocket
    // still emits disconnected(), and a QPointer<QTcpSocket> would then downcast an
    // object that is no longer a QTcpSocket (UBSan reports it).
    QPointer<QAbstractSocket> m_socket;
    Setup m_setup;
    std::unique_ptr<UpstreamAttempt> m_attempt;
    std::optional<Attempt> m_lastAttempt;  // the route that answers (or failed last)
    bool m_native = false;                 // that route speaks the client's dialect
    std::unique_ptr<ChatStreamSink> m_translator;  // this attempt's stream, for the client
    QByteArray m_translatedEnd;                    // the translator's terminator
    std::optional<ApiError> m_translationError;
    QTimer m_keepAlive;
    QTimer m_retryTimer;                   // a backoff between attempts
    Phase m_phase = Phase::Waiting;
    QList<QByteArray> m_prelude;  // stream frames without content, held until content comes
    TokenUsage m_usage;
    qint64 m_firstTokenMs = -1;
    qint64 m_outsideMs = 0;  // time spent waiting on providers and backoffs, for the overhead
    std::optional<StreamCapture> m_capture;  // a streamed answer on its way into the cache
    bool m_streamCounted = false;            // counted in the streams-in-flight gauge
};

} // namespace onegate
