#include "GuardedTcpServer.h"

#include "RequestSizeGuard.h"

#include <QTcpSocket>

namespace onegate {

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, QObject *parent)
    : QTcpServer(parent)
    , m_maxBodyBytes(maxBodyBytes)
{
}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestSizeGuard(socket, m_maxBodyBytes);  // child of the socket
    addPendingConnection(socket);
}

} // namespace onegate
