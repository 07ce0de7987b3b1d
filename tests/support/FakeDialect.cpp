#include "FakeDialect.h"

#include "OpenAiFakeDialect.h"
#include "anthropic/AnthropicFakeDialect.h"
#include "azure/AzureFakeDialect.h"
#include "gemini/GeminiFakeDialect.h"
#include "ollama/OllamaFakeDialect.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace onegate::test {

QByteArray RecordedRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QByteArray RecordedRequest::pathOnly() const
{
    const qsizetype query = path.indexOf('?');
    return query < 0 ? path : path.left(query);
}

Scenario Scenario::parse(const QString &model)
{
    const qsizetype at = model.indexOf(QLatin1Char('@'));
    if (at < 0)
        return {model, 0};
    return {model.left(at), qMax(0, model.mid(at + 1).toInt())};
}

QByteArray FakeDialect::fixture(const QString &fileName) const
{
    return readFixture(fixtureFolder(), fileName);
}

ResponsePlan FakeDialect::echoPlan(int status, const QByteArray &credential) const
{
    const QJsonValue code = status == 401 ? QJsonValue(QStringLiteral("invalid_api_key"))
        : status == 429                   ? QJsonValue(QStringLiteral("rate_limit_exceeded"))
                                          : QJsonValue(QJsonValue::Null);
    const QJsonObject error{
        {QStringLiteral("message"), QStringLiteral("Incorrect API key provided: %1.").arg(QString::fromLatin1(credential))},
        {QStringLiteral("type"), status == 401 ? QStringLiteral("invalid_request_error")
                                 : status == 429 ? QStringLiteral("requests")
                                                 : QStringLiteral("server_error")},
        {QStringLiteral("param"), QJsonValue(QJsonValue::Null)},
        {QStringLiteral("code"), code},
    };
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
    ResponsePlan plan;
    if (status >= 400) {
        plan.status = status;
        plan.body = body;
        return plan;
    }
    plan.stream = true;
    plan.contentType = QByteArrayLiteral("text/event-stream");
    plan.events.append("data: " + body + "\n\n");
    return plan;
}

std::unique_ptr<FakeDialect> makeFakeDialect(const QString &kind)
{
    if (kind == QLatin1String("openai"))
        return std::make_unique<OpenAiFakeDialect>();
    if (kind == QLatin1String("anthropic"))
        return std::make_unique<AnthropicFakeDialect>();
    if (kind == QLatin1String("gemini"))
        return std::make_unique<GeminiFakeDialect>();
    if (kind == QLatin1String("ollama"))
        return std::make_unique<OllamaFakeDialect>();
    if (kind == QLatin1String("azure"))
        return std::make_unique<AzureFakeDialect>();
    return nullptr;
}

QByteArray readFixture(const QString &folder, const QString &fileName)
{
    QFile file(QStringLiteral(ONEGATE_TEST_DATA "/fixtures/") + folder + QLatin1Char('/') + fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("fake upstream: cannot read fixture %s", qPrintable(file.fileName()));
        return {};
    }
    return file.readAll();
}

QList<QByteArray> sseFrames(QByteArray text)
{
    text.replace("\r\n", "\n");
    QList<QByteArray> frames;
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf("\n\n", start);
        if (end < 0)
            end = text.size();
        const QByteArray frame = text.mid(start, end - start).trimmed();
        if (!frame.isEmpty())
            frames.append(frame + "\n\n");
        start = end + 2;
    }
    return frames;
}

QByteArray sseData(const QByteArray &frame)
{
    QByteArray data;
    bool first = true;
    for (const QByteArray &line : frame.split('\n')) {
        if (!line.startsWith("data:"))
            continue;
        QByteArray value = line.mid(5);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (!first)
            data.append('\n');
        data.append(value);
        first = false;
    }
    return data;
}

QList<QByteArray> ndjsonLines(const QByteArray &text)
{
    QList<QByteArray> lines;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed() + '\n');
    }
    return lines;
}

QList<double> fakeEmbedding(const QString &text, int dimensions)
{
    const QByteArray bytes = text.toUtf8();
    quint32 hash = 2166136261u;
    for (const char byte : bytes) {
        hash ^= quint8(byte);
        hash *= 16777619u;
    }
    QList<double> values;
    for (int i = 0; i < (dimensions > 0 ? dimensions : 4); ++i) {
        // One xorshift round per dimension spreads the text's hash over the vector.
        quint32 mixed = hash ^ (quint32(i + 1) * 0x9E3779B1u);
        mixed ^= mixed << 13;
        mixed ^= mixed >> 17;
        mixed ^= mixed << 5;
        values.append((double(mixed % 20001u) - 10000.0) / 10000.0);
    }
    return values;
}

int fakeTokenCount(const QString &text)
{
    return qMax(1, int(text.split(u' ', Qt::SkipEmptyParts).size()));
}

QString fakeTokensText(const QJsonArray &tokens)
{
    QStringList ids;
    for (const QJsonValue &token : tokens)
        ids.append(QString::number(token.toInteger()));
    return ids.join(u',');
}

} // namespace onegate::test
