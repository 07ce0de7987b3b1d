#pragma once

#include "core/ApiError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <variant>

namespace onegate {

// What every inbound dialect asks of a request body first: one JSON object. Otherwise
// the 400 that says why, with `unparsable` (the dialect's own words; %1 the parser's
// message, %2 the offset) for text that is not JSON at all.
std::variant<QJsonObject, ApiError> requestObject(
    const QByteArray &bytes,
    const QString &unparsable = QStringLiteral("We could not parse the JSON body of your request: %1 at offset %2"));

} // namespace onegate
