#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace onegate {

// QJsonDocument keeps the last of two equal keys in an object without a word, so a file
// saying "required": true and further down "required": false would pass silently.
// Given a document QJsonDocument already accepted, returns the config path of the first
// repeated key ("auth.required", "providers[1].id"), or nothing.
// Keys are compared as written, so an escaped spelling of the same key is not caught.
std::optional<QString> findDuplicateKey(const QByteArray &json);

} // namespace onegate
