#pragma once

#include <QString>

namespace onegate {

// A "HOST:PORT" listen address as written in the config or on the command line.
// HOST is an IPv4 address, a bracketed IPv6 address ("[::1]:4141") or a host name;
// PORT is 0 to 65535, 0 meaning any free port.
struct ListenAddress {
    QString host;  // IPv6 without its brackets
    quint16 port = 0;
    QString problem;  // why the text is not a listen address, empty when valid

    bool isValid() const { return problem.isEmpty(); }

    static ListenAddress parse(const QString &text);
};

// 127.0.0.0/8, ::1 and "localhost": the only hosts on which auth may be switched off.
// Other names count as not loopback, since nothing is resolved here.
bool isLoopbackHost(const QString &host);

} // namespace onegate
