#include "GuardedTcpServer.h"

#include "RequestSizeGuard.h"

#include <QTcpSocket>

namespace onegate {

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{
    setListenBacklogSize(kListenBacklog);
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly).size() > m_maxConnections) {
        // Every descriptor held by an idle client is one a real request cannot have:
        // refuse plainly rather than let the process run out of them.
        const QByteArray body = QByteArrayLiteral(
            R"({"error":{"message":"OneGate has too many open connections; try again shortly","type":"server_error","param":null,"code":"too_many_connections"}})");
        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        return;
    }
    auto *guard = new RequestSizeGuard(socket, m_maxBodyBytes, m_timeouts);  // child of the socket
    // Emits pendingConnectionAvailable, on which QHttpServer connects its reader at once.
    addPendingConnection(socket);
    guard->followServerReads();
}

} // namespace onegate
