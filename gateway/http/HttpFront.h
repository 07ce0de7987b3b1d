#pragma once

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <functional>

namespace onegate {

// QHttpServer's front door without its router: every request goes to one handler, which
// parses paths itself (model ids contain '/', which 6.4's <arg> cannot match) and may
// keep the responder to answer later.
class HttpFront final : public QAbstractHttpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpFront)
public:
    using Handler = std::function<void(const QHttpServerRequest &, QHttpServerResponder &&)>;

    explicit HttpFront(Handler handler, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
};

} // namespace onegate
