#include "ListenAddress.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr qsizetype kMaxHostNameLength = 253;
constexpr qsizetype kMaxLabelLength = 63;

ListenAddress invalid(const QString &problem)
{
    ListenAddress address;
    address.problem = problem;
    return address;
}

QString formatProblem()
{
    return u"expected HOST:PORT, e.g. 127.0.0.1:4141 or [::1]:4141"_s;
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isLabelChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || isAsciiDigit(c) || c == u'-';
}

bool isHostLabel(QStringView label)
{
    if (label.isEmpty() || label.size() > kMaxLabelLength)
        return false;
    if (label.front() == u'-' || label.back() == u'-')
        return false;
    for (const QChar c : label) {
        if (!isLabelChar(c))
            return false;
    }
    return true;
}

bool isHostName(const QString &host)
{
    if (host.size() > kMaxHostNameLength)
        return false;
    const auto labels = QStringView(host).split(u'.');
    for (const QStringView label : labels) {
        if (!isHostLabel(label))
            return false;
    }
    return true;
}

bool looksNumeric(const QString &host)
{
    for (const QChar c : host) {
        if (!isAsciiDigit(c) && c != u'.')
            return false;
    }
    return true;
}

// Returns the problem with a bare (unbracketed) host, empty when it is usable.
QString checkBareHost(const QString &host)
{
    if (host.isEmpty())
        return formatProblem();
    if (host.contains(u':'))
        return u"an IPv6 address needs brackets, e.g. [::1]:4141"_s;
    QHostAddress address;
    if (address.setAddress(host))
        return {};
    if (looksNumeric(host))
        return u"not a valid IPv4 address"_s;
    if (!isHostName(host))
        return u"not a valid host name"_s;
    return {};
}

bool parsePort(QStringView text, quint16 *port)
{
    if (text.isEmpty() || text.size() > 5)
        return false;
    for (const QChar c : text) {
        if (!isAsciiDigit(c))
            return false;
    }
    const uint value = text.toUInt();
    if (value > 65535)
        return false;
    *port = static_cast<quint16>(value);
    return true;
}

} // namespace

bool isLoopbackHost(const QString &host)
{
    if (host.compare("localhost"_L1, Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

ListenAddress ListenAddress::parse(const QString &text)
{
    QString host;
    qsizetype colon = -1;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0 || close + 1 >= text.size() || text.at(close + 1) != u':')
            return invalid(formatProblem());
        host = text.mid(1, close - 1);
        QHostAddress address;
        if (!address.setAddress(host) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return invalid(u"not a valid IPv6 address between the brackets"_s);
        colon = close + 1;
    } else {
        colon = text.lastIndexOf(u':');
        if (colon < 0)
            return invalid(formatProblem());
        host = text.left(colon);
        const QString problem = checkBareHost(host);
        if (!problem.isEmpty())
            return invalid(problem);
    }
    ListenAddress address;
    if (!parsePort(QStringView(text).mid(colon + 1), &address.port))
        return invalid(u"the port must be a number from 0 to 65535"_s);
    address.host = host;
    return address;
}

} // namespace onegate
