#include "AnthropicToolIds.h"

#include <QByteArray>

namespace onegate::anthropic {

namespace {

constexpr auto kBase64Options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

bool matchesAnthropicPattern(const QString &id)
{
    if (id.isEmpty())
        return false;
    for (const QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') ||
                        (u >= u'0' && u <= u'9') || u == u'_' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

QString toAnthropicToolId(const QString &id)
{
    if (matchesAnthropicPattern(id) && !id.startsWith(kEncodedToolIdPrefix))
        return id;
    return kEncodedToolIdPrefix + QString::fromLatin1(id.toUtf8().toBase64(kBase64Options));
}

QString fromAnthropicToolId(const QString &id)
{
    if (!id.startsWith(kEncodedToolIdPrefix))
        return id;
    const QByteArray encoded = id.mid(kEncodedToolIdPrefix.size()).toLatin1();
    const auto decoded = QByteArray::fromBase64Encoding(
        encoded, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    // Only our own encoding reverses: anything else with the prefix is not ours to touch.
    if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok ||
        decoded.decoded.toBase64(kBase64Options) != encoded)
        return id;
    return QString::fromUtf8(decoded.decoded);
}

} // namespace onegate::anthropic
