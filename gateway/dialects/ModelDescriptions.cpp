#include "ModelDescriptions.h"

#include "OllamaChatClient.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace onegate::modelDescriptions {

namespace {

using namespace Qt::StringLiterals;

QJsonObject pricing(const ModelPrices &prices)
{
    QJsonObject out;
    const auto put = [&out](QLatin1String key, const std::optional<double> &price) {
        if (price)
            out.insert(key, *price);
    };
    put("input"_L1, prices.input);
    put("output"_L1, prices.output);
    put("cache_read"_L1, prices.cacheRead);
    put("cache_write"_L1, prices.cacheWrite);
    return out;
}

QJsonObject ollamaDetails(const QString &ownedBy)
{
    return {{"parent_model"_L1, QString()},
            {"format"_L1, u"onegate"_s},
            {"family"_L1, ownedBy},
            {"families"_L1, QJsonArray{ownedBy}},
            {"parameter_size"_L1, QString()},
            {"quantization_level"_L1, QString()}};
}

} // namespace

QStringList capabilitiesOf(const QString &id, const ModelAlias *configured)
{
    if (configured && !configured->capabilities.isEmpty())
        return configured->capabilities;
    if (id.contains("embed"_L1, Qt::CaseInsensitive))
        return {u"embedding"_s};
    return {u"completion"_s, u"tools"_s};
}

QJsonObject openAiModel(const QString &id, const QString &ownedBy, qint64 created, const ModelAlias *configured)
{
    QJsonObject model{{"id"_L1, id}, {"object"_L1, "model"_L1}, {"created"_L1, created}, {"owned_by"_L1, ownedBy}};
    if (!configured)
        return model;
    if (configured->contextWindow > 0)
        model.insert("context_window"_L1, configured->contextWindow);
    if (configured->maxOutputTokens > 0)
        model.insert("max_output_tokens"_L1, configured->maxOutputTokens);
    if (!configured->capabilities.isEmpty())
        model.insert("capabilities"_L1, QJsonArray::fromStringList(configured->capabilities));
    const QJsonObject prices = pricing(configured->prices);
    if (!prices.isEmpty())
        model.insert("pricing"_L1, prices);
    return model;
}

QJsonObject ollamaTag(const QString &id, const QString &ownedBy, qint64 modifiedSecs)
{
    const QByteArray digest = QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha256).toHex();
    return {{"name"_L1, id},
            {"model"_L1, id},
            {"modified_at"_L1, OllamaChatClient::timestamp(modifiedSecs * 1'000'000'000)},
            {"size"_L1, 0},
            {"digest"_L1, QString::fromLatin1(digest)},
            {"details"_L1, ollamaDetails(ownedBy)}};
}

QJsonObject ollamaShow(const QString &id, const QString &ownedBy, qint64 modifiedSecs, const ModelAlias *configured)
{
    const int context = configured && configured->contextWindow > 0 ? configured->contextWindow : kDefaultOllamaContext;
    QJsonObject info{{"general.architecture"_L1, "onegate"_L1},
                     {"general.basename"_L1, id},
                     {"onegate.context_length"_L1, context}};
    if (configured && configured->maxOutputTokens > 0)
        info.insert("onegate.max_output_tokens"_L1, configured->maxOutputTokens);
    return {{"modelfile"_L1, QString()},
            {"parameters"_L1, QString()},
            {"template"_L1, QString()},
            {"details"_L1, ollamaDetails(ownedBy)},
            {"model_info"_L1, info},
            {"capabilities"_L1, QJsonArray::fromStringList(capabilitiesOf(id, configured))},
            {"modified_at"_L1, OllamaChatClient::timestamp(modifiedSecs * 1'000'000'000)}};
}

} // namespace onegate::modelDescriptions
