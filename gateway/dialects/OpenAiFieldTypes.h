#pragma once

#include <QJsonValue>
#include <QString>

// How the OpenAI-family request decoders (Responses, Completions) read a field's kind and
// name it in a 400, in OpenAI's own wording ("expected a string, but got an integer").
namespace onegate::openAiFields {

inline bool present(const QJsonValue &value)
{
    return !value.isUndefined() && !value.isNull();
}

inline bool isInteger(const QJsonValue &value)
{
    return value.isDouble() && value.toDouble() == double(value.toInteger());
}

inline QString typeOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return isInteger(value) ? QStringLiteral("an integer") : QStringLiteral("a decimal");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("nothing");
}

} // namespace onegate::openAiFields
