#pragma once

#include "RequestSizeGuard.h"

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
    // Connections open at once on one listener; one more is answered 503 and closed.
    static constexpr int kMaxConnections = 1024;
    // Connections the kernel holds for accept(). Qt's default, 50, overflows when a
    // client opens a few hundred at once (an agent fanning out streams): the kernel
    // drops the SYNs and the client retries a second later.
    static constexpr int kListenBacklog = 1024;

    GuardedTcpServer(qint64 maxBodyBytes, QObject *parent = nullptr);
    // For tests: smaller limits than the defaults.
    void setLimits(int maxConnections, RequestSizeGuard::Timeouts timeouts)
    {
        m_maxConnections = maxConnections;
        m_timeouts = timeouts;
    }

protected:
    void incomingConnection(qintptr handle) override;

private:
    qint64 m_maxBodyBytes;
    int m_maxConnections = kMaxConnections;
    RequestSizeGuard::Timeouts m_timeouts;
};

} // namespace onegate
