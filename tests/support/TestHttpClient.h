#pragma once

#include "FakeUpstream.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>

class QTcpSocket;

namespace onegate::test {

// Runs the calling thread's event loop until `done` is true or `timeoutMs` passed;
// returns whether `done` became true. Never blocks the thread, so servers living on it
// (a FakeUpstream) keep answering meanwhile.
bool waitUntil(const std::function<bool()> &done, int timeoutMs);

// One server-sent event as the client received it.
struct ReceivedEvent {
    QByteArray data;  // the joined `data:` lines
    qint64 atMs = 0;  // arrival, ms after the request was sent
};

// A raw HTTP/1.1 client over one QTcpSocket, for tests that need what higher-level
// clients hide: exact headers (a forged Host), chunked request bodies, the arrival time
// of every stream event, whether a chunked body ended properly, and aborting mid-stream.
// One request per object. Everything is asynchronous: wait with the wait* helpers,
// which spin the event loop.
class TestHttpClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TestHttpClient)
public:
    enum class BodyMode { ContentLength, Chunked };

    explicit TestHttpClient(quint16 port, QObject *parent = nullptr);
    ~TestHttpClient() override;

    // Sends one request. `Host: 127.0.0.1:PORT` and the body framing headers are added
    // unless `headers` has them. The whole body is written (in pieces, as the socket
    // drains) even if the server answers early, as most SDK clients do: a server that
    // answers 413 must not lose that answer to a reset.
    void send(const QByteArray &method, const QByteArray &path, const RawHeaders &headers = {},
              const QByteArray &body = {}, BodyMode mode = BodyMode::ContentLength);

    bool waitForHead(int timeoutMs = 5000);
    bool waitForEvents(int count, int timeoutMs = 5000);
    // Until the body is complete or the connection closed.
    bool waitForFinished(int timeoutMs = 5000);
    // Until the server closed the connection (or it could not be opened).
    bool waitForClosed(int timeoutMs = 5000);
    // Drops the connection at once (RST), as a client killed mid-stream would.
    void abort();

    bool hasHead() const { return m_state != State::Head; }
    int status() const { return m_status; }
    QByteArray header(QByteArrayView name) const;
    // Every header of the answer, names as sent.
    const RawHeaders &headers() const { return m_headers; }
    QByteArray body() const { return m_body; }  // chunk framing removed
    QJsonObject json() const;
    bool isChunked() const { return m_chunked; }
    // The whole body arrived: Content-Length reached, or the last chunk (0\r\n\r\n) seen.
    bool isComplete() const { return m_state == State::Done; }
    bool isClosed() const { return m_closed; }
    const QList<ReceivedEvent> &events() const { return m_events; }
    QList<QByteArray> eventData() const;
    QString socketError() const { return m_socketError; }

Q_SIGNALS:
    void progressed();

private:
    enum class State { Head, FixedBody, ChunkSize, ChunkData, ChunkTrailer, UntilClose, Done };

    void writeMore();
    void onReadyRead();
    void parse();
    bool parseHead();
    void appendBody(const QByteArray &bytes);

    QTcpSocket *m_socket;
    quint16 m_port;
    QElapsedTimer m_clock;
    QByteArray m_method;
    QByteArray m_pendingBody;  // framed body bytes not yet handed to the socket
    QByteArray m_in;
    State m_state = State::Head;
    int m_status = 0;
    RawHeaders m_headers;
    bool m_chunked = false;
    qint64 m_remaining = 0;
    QByteArray m_body;
    QByteArray m_sse;
    QList<ReceivedEvent> m_events;
    bool m_connected = false;
    bool m_closed = false;
    QString m_socketError;
};

} // namespace onegate::test
