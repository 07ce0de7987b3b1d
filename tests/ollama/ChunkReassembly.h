#pragma once

// Reassembles an OpenAI chat.completion.chunk stream the way a client does, and notes
// every break of the ordering strict clients rely on: a role chunk first; one id for the
// whole stream; each tool call's id and name before any of its arguments, indexes
// counting tool calls from 0; the usage chunk (no choices) only after the finish chunk;
// nothing after [DONE]. Shared by the ollama unit and end-to-end tests.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace onegate::test {

struct ToolCallSeen {
    QString id;
    QString name;
    QString arguments;
    bool operator==(const ToolCallSeen &) const = default;
};

struct Reassembled {
    QString id;
    QString model;
    QString content;
    QString reasoning;
    QList<ToolCallSeen> toolCalls;
    QString finishReason;
    int usageChunks = 0;
    QJsonObject usage;
    bool done = false;        // [DONE] was the last event
    QStringList problems;     // ordering rules broken; empty when the stream is well formed
};

// `payloads` are the events' data (what follows "data: "), [DONE] included if sent.
inline Reassembled reassembleChunks(const QList<QByteArray> &payloads)
{
    using namespace Qt::StringLiterals;
    Reassembled out;
    for (qsizetype i = 0; i < payloads.size(); ++i) {
        const QByteArray &payload = payloads.at(i);
        if (out.done)
            out.problems.append(u"event after [DONE]"_s);
        if (payload == "[DONE]") {
            out.done = true;
            continue;
        }
        const QJsonObject chunk = QJsonDocument::fromJson(payload).object();
        if (chunk.value("object"_L1).toString() != "chat.completion.chunk"_L1) {
            out.problems.append(u"not a chunk: "_s + QString::fromUtf8(payload.left(200)));
            continue;
        }
        if (i == 0) {
            out.id = chunk.value("id"_L1).toString();
            out.model = chunk.value("model"_L1).toString();
        } else if (chunk.value("id"_L1).toString() != out.id) {
            out.problems.append(u"the chunk id changed at event %1"_s.arg(i));
        }
        const QJsonArray choices = chunk.value("choices"_L1).toArray();
        if (choices.isEmpty()) {
            ++out.usageChunks;
            out.usage = chunk.value("usage"_L1).toObject();
            if (out.finishReason.isEmpty())
                out.problems.append(u"usage chunk before the finish chunk"_s);
            continue;
        }
        const QJsonObject choice = choices.at(0).toObject();
        const QJsonObject delta = choice.value("delta"_L1).toObject();
        if (i == 0 && delta.value("role"_L1).toString() != "assistant"_L1)
            out.problems.append(u"the first chunk carries no role"_s);
        if (!out.finishReason.isEmpty())
            out.problems.append(u"a delta after the finish chunk"_s);
        out.content += delta.value("content"_L1).toString();
        out.reasoning += delta.value("reasoning_content"_L1).toString();
        for (const QJsonValue &value : delta.value("tool_calls"_L1).toArray()) {
            const QJsonObject call = value.toObject();
            const int index = call.value("index"_L1).toInt();
            const QJsonObject function = call.value("function"_L1).toObject();
            if (call.contains("id"_L1)) {
                if (index != out.toolCalls.size())
                    out.problems.append(u"tool call index %1 out of order"_s.arg(index));
                if (!function.contains("name"_L1))
                    out.problems.append(u"tool call %1 has an id but no name"_s.arg(index));
                out.toolCalls.append({call.value("id"_L1).toString(), function.value("name"_L1).toString(),
                                      function.value("arguments"_L1).toString()});
            } else if (index < 0 || index >= out.toolCalls.size()) {
                out.problems.append(u"arguments before the id and name of tool call %1"_s.arg(index));
            } else {
                out.toolCalls[index].arguments += function.value("arguments"_L1).toString();
            }
        }
        if (choice.value("finish_reason"_L1).isString())
            out.finishReason = choice.value("finish_reason"_L1).toString();
    }
    return out;
}

} // namespace onegate::test
