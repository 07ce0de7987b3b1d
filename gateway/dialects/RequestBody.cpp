#include "RequestBody.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace onegate {

namespace {

// Where `bytes` has a control character JSON allows nowhere (RFC 8259: inside strings
// they must be escaped, outside only space, tab, CR and LF may appear), or -1. Qt's
// parser takes them raw inside strings.
qsizetype rawControlCharacter(const QByteArray &bytes)
{
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes.at(i));
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return i;
    }
    return -1;
}

} // namespace

std::variant<QJsonObject, ApiError> requestObject(const QByteArray &bytes, const QString &unparsable)
{
    if (const qsizetype at = rawControlCharacter(bytes); at >= 0)
        return ApiError::invalidRequest(unparsable.arg(QStringLiteral("unescaped control character")).arg(at));
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (document.isNull())
        return ApiError::invalidRequest(unparsable.arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return ApiError::invalidRequest(QStringLiteral("The request body must be a JSON object"));
    return document.object();
}

} // namespace onegate
