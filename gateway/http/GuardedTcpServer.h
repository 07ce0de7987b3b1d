#pragma once

#include <QTcpServer>

namespace onegate {

// The listening socket QHttpServer is bound to. QHttpServer 6.4 buffers a whole request
// body with no limit before any handler runs (DESIGN.md section 3), so every accepted
// socket gets a RequestSizeGuard whose readyRead slot is connected first and answers
// 413/431 before the server's parser ever sees an oversized request.
class GuardedTcpServer final : public QTcpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)
public:
    GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr handle) override;

private:
    qint64 m_maxBodyBytes;
};

} // namespace onegate
