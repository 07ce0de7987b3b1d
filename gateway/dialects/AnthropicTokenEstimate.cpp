#include "AnthropicTokenEstimate.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kPerRequest = 8;
constexpr qint64 kPerMessage = 4;
// Anthropic documents 346 tokens for its tool-use system prompt on current models; the
// recorded requests of other models show up to ~400.
constexpr qint64 kToolSystemPrompt = 400;
constexpr qint64 kPerImage = 1600;
constexpr qint64 kDocumentBytesPerImage = 100 * 1024;

qint64 textTokens(const QString &text)
{
    const qint64 bytes = text.toUtf8().size();
    return (bytes + 2) / 3;
}

qint64 jsonTokens(const QJsonValue &value)
{
    if (value.isString())
        return textTokens(value.toString());
    if (value.isObject())
        return textTokens(QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)));
    if (value.isArray())
        return textTokens(QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)));
    return 0;
}

qint64 contentTokens(const QJsonValue &content);

qint64 blockTokens(const QJsonObject &block)
{
    const QString type = block.value("type"_L1).toString();
    if (type == "image"_L1)
        return kPerImage;
    if (type == "document"_L1) {
        const QJsonObject source = block.value("source"_L1).toObject();
        if (source.value("type"_L1).toString() == "text"_L1)
            return textTokens(source.value("data"_L1).toString());
        const qint64 bytes = source.value("data"_L1).toString().size();
        return kPerImage * std::max<qint64>(1, (bytes + kDocumentBytesPerImage - 1) / kDocumentBytesPerImage);
    }
    if (type == "text"_L1)
        return textTokens(block.value("text"_L1).toString());
    if (type == "thinking"_L1)
        return textTokens(block.value("thinking"_L1).toString());
    if (type == "tool_use"_L1 || type == "server_tool_use"_L1)
        return textTokens(block.value("name"_L1).toString()) + jsonTokens(block.value("input"_L1));
    if (type == "tool_result"_L1)
        return contentTokens(block.value("content"_L1));
    // redacted thinking and anything newer: count what it carries
    return jsonTokens(block);
}

qint64 contentTokens(const QJsonValue &content)
{
    if (content.isString())
        return textTokens(content.toString());
    qint64 total = 0;
    for (const QJsonValue &block : content.toArray())
        total += blockTokens(block.toObject());
    return total;
}

} // namespace

qint64 AnthropicTokenEstimate::inputTokens(const QJsonObject &request)
{
    qint64 total = kPerRequest + contentTokens(request.value("system"_L1));
    for (const QJsonValue &message : request.value("messages"_L1).toArray())
        total += kPerMessage + contentTokens(message.toObject().value("content"_L1));
    const QJsonArray tools = request.value("tools"_L1).toArray();
    if (!tools.isEmpty())
        total += kToolSystemPrompt;
    // Schemas tokenise densely (quotes, braces, short keys): one token per 1.4 bytes.
    for (const QJsonValue &tool : tools) {
        const qint64 bytes = QJsonDocument(tool.toObject()).toJson(QJsonDocument::Compact).size();
        total += (bytes * 5 + 6) / 7;
    }
    return total;
}

} // namespace onegate
