#pragma once

#include "core/ProviderAdapter.h"
#include "usage/UsageRecord.h"

#include <QElapsedTimer>
#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <memory>
#include <optional>

namespace onegate {

struct Config;
class ProviderRuntime;
class UsageRecorder;

// One chat completion from the moment it is routed until its last byte: sends it to the
// provider, relays the answer (a stream event by event, as it arrives), and records
// usage. The end of every answer (the stream's terminator, or a whole non-stream body)
// is held back until the usage row is committed, so a finished request is never lost.
//
// QHttpServer 6.4 deletes the socket under a moved responder when the client goes away
// (DESIGN.md section 3): the socket is watched through a QPointer, checked before every
// write, and its loss aborts the upstream request at once.
//
// A config reload does not touch an exchange already running: it holds the config
// snapshot and the provider runtime it started with (see Setup) until it is deleted.
class ChatExchange final : public QObject, private ChatStreamSink {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChatExchange)
public:
    struct Setup {
        // Shared with the gateway until a reload replaces them there; then this exchange
        // keeps them alive until it is deleted. `call.provider` points into `config`; the
        // network manager carrying the upstream call belongs to `provider`.
        std::shared_ptr<const Config> config;
        std::shared_ptr<ProviderRuntime> provider;
        ChatCall call;
        UsageRecorder *usage = nullptr;  // may be null in tests
        UsageRecord record;              // identity fields filled in by the caller
        QElapsedTimer clock;             // started when the request arrived
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

    void onUpstreamStarted(int status);
    void onUpstreamData(const QByteArray &bytes);
    void onUpstreamFinished();
    void onClientGone();

    void streamFrame(const QByteArray &frame, bool content) override;
    void streamUsage(const TokenUsage &usage) override;
    void streamCompleted(const QByteArray &terminator) override;
    void streamFailed(const ApiError &error) override;

    void fail(const ApiError &error);
    void succeedWithBody(const QByteArray &body);
    // Records usage, then runs `tail` (the last bytes) once the row is durable.
    void finishAfterRecord(int status, const QString &error, std::function<void()> tail);
    void close();

    bool clientConnected() const;
    void beginStream();
    void writeChunk(const QByteArray &data);
    ApiError transportError() const;

    QHttpServerResponder m_responder;
    // Typed as the base: when the gateway is torn down mid-request, ~QAbstractSocket
    // still emits disconnected(), and a QPointer<QTcpSocket> would then downcast an
    // object that is no longer a QTcpSocket (UBSan reports it).
    QPointer<QAbstractSocket> m_socket;
    Setup m_setup;
    QPointer<UpstreamCall> m_upstream;
    std::unique_ptr<ChatStreamDecoder> m_decoder;
    Phase m_phase = Phase::Waiting;
    int m_upstreamStatus = 0;
    QByteArray m_body;  // non-stream body, or an error body of a stream request
    TokenUsage m_usage;
    qint64 m_firstTokenMs = -1;
};

} // namespace onegate
