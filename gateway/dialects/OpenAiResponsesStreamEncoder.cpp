#include "OpenAiResponsesStreamEncoder.h"

#include "OpenAiResponsesAnswerEncoder.h"

#include <QDateTime>
#include <QJsonDocument>

namespace onegate {

using namespace Qt::StringLiterals;

using Encoder = OpenAiResponsesAnswerEncoder;

OpenAiResponsesStreamEncoder::OpenAiResponsesStreamEncoder(Options options, Downstream downstream,
                                                           std::shared_ptr<Progress> progress)
    : m_options(std::move(options))
    , m_downstream(std::move(downstream))
    , m_progress(progress ? std::move(progress) : std::make_shared<Progress>())
{
}

QByteArray OpenAiResponsesStreamEncoder::formatEvent(const QByteArray &name,
                                                     const QJsonObject &data)
{
    return "event: " + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) +
           "\n\n";
}

QByteArray OpenAiResponsesStreamEncoder::failedEvent(const Options &options,
                                                     const Progress *progress,
                                                     const ApiError &error)
{
    QJsonObject response;
    int sequence = 0;
    QJsonArray output;
    if (progress && progress->started) {
        response = progress->shell;
        sequence = progress->nextSequence;
        output = progress->doneItems;
    } else {
        // Nothing went out: a response of its own, so the event still names one.
        response = Encoder::responseShell(u"resp_"_s + Encoder::idTail(QString()),
                                          QDateTime::currentSecsSinceEpoch(), options.model,
                                          Encoder::requestEcho(options.request));
    }
    response.insert("status"_L1, "failed"_L1);
    response.insert("error"_L1, Encoder::responseError(error));
    response.insert("output"_L1, output);
    response.insert("usage"_L1, QJsonValue(QJsonValue::Null));
    return formatEvent("response.failed", QJsonObject{{"type"_L1, "response.failed"_L1},
                                                      {"sequence_number"_L1, sequence},
                                                      {"response"_L1, response}});
}

void OpenAiResponsesStreamEncoder::emitEvent(const QByteArray &name, QJsonObject data, bool content)
{
    data.insert("type"_L1, QString::fromLatin1(name));
    data.insert("sequence_number"_L1, m_progress->nextSequence++);
    if (m_downstream.write)
        m_downstream.write(formatEvent(name, data), content);
}

void OpenAiResponsesStreamEncoder::streamFrame(const QByteArray &frame, bool content)
{
    Q_UNUSED(content); // content is judged per Responses event instead
    if (m_ended)
        return;
    if (!m_chunks.read(frame, [this](const QJsonObject &chunk) {
            handleChunk(chunk);
            return !m_ended;
        }))
        fail(ChatChunkReader::tooLarge());
}

void OpenAiResponsesStreamEncoder::streamUsage(const TokenUsage &usage)
{
    if (usage.known)
        m_usage = usage;
}

void OpenAiResponsesStreamEncoder::streamCompleted(const QByteArray &terminator)
{
    Q_UNUSED(terminator); // OpenAI Chat's [DONE]; response.completed is this dialect's own
    if (m_ended)
        return;
    ensureStarted();
    const QString reason = Encoder::incompleteReason(m_finishReason);
    closeItem(!reason.isEmpty());
    QJsonObject response = m_progress->shell;
    response.insert("status"_L1, reason.isEmpty() ? "completed"_L1 : "incomplete"_L1);
    if (!reason.isEmpty())
        response.insert("incomplete_details"_L1, QJsonObject{{"reason"_L1, reason}});
    response.insert("output"_L1, m_progress->doneItems);
    response.insert("usage"_L1, Encoder::usage(m_usage));
    m_ended = true;
    const QLatin1String name =
        reason.isEmpty() ? "response.completed"_L1 : "response.incomplete"_L1;
    const QByteArray event =
        formatEvent(QByteArray(name.data(), name.size()),
                    QJsonObject{{"type"_L1, name},
                                {"sequence_number"_L1, m_progress->nextSequence++},
                                {"response"_L1, response}});
    if (m_downstream.completed)
        m_downstream.completed(event);
}

void OpenAiResponsesStreamEncoder::streamFailed(const ApiError &error)
{
    fail(error);
}

void OpenAiResponsesStreamEncoder::fail(const ApiError &error)
{
    if (m_ended)
        return;
    // The failure event alone ends the stream: open parts and items are not closed.
    m_ended = true;
    const QByteArray event = failedEvent(m_options, m_progress.get(), error);
    if (m_downstream.failed)
        m_downstream.failed(event, error);
}

void OpenAiResponsesStreamEncoder::ensureStarted()
{
    if (m_progress->started)
        return;
    m_progress->started = true;
    m_tail = Encoder::idTail(m_completionId);
    const qint64 created = m_created > 0 ? m_created : QDateTime::currentSecsSinceEpoch();
    m_progress->shell = Encoder::responseShell(u"resp_"_s + m_tail, created, m_options.model,
                                               Encoder::requestEcho(m_options.request));
    QJsonObject response = m_progress->shell;
    response.insert("status"_L1, "in_progress"_L1);
    response.insert("output"_L1, QJsonArray{});
    response.insert("usage"_L1, QJsonValue(QJsonValue::Null));
    emitEvent("response.created", QJsonObject{{"response"_L1, response}}, false);
    emitEvent("response.in_progress", QJsonObject{{"response"_L1, response}}, false);
}

QJsonObject OpenAiResponsesStreamEncoder::itemRef() const
{
    return QJsonObject{{"item_id"_L1, m_openId}, {"output_index"_L1, m_openIndex}};
}

void OpenAiResponsesStreamEncoder::openItem(ItemKind kind, const QJsonObject &added, bool content)
{
    closeItem();
    m_openKind = kind;
    m_openIndex = m_nextOutputIndex++;
    m_openId = added.value("id"_L1).toString();
    m_redacted = false;
    m_partOpen = false;
    m_parts.clear();
    m_encrypted.clear();
    m_callId.clear();
    m_callName.clear();
    m_arguments.clear();
    emitEvent("response.output_item.added",
              QJsonObject{{"output_index"_L1, m_openIndex}, {"item"_L1, added}}, content);
}

void OpenAiResponsesStreamEncoder::closePart()
{
    if (!m_partOpen)
        return;
    m_partOpen = false;
    const Part &part = m_parts.last();
    QJsonObject ref = itemRef();
    ref.insert("content_index"_L1, int(m_parts.size() - 1));
    QJsonObject done = ref;
    QJsonObject partDone = ref;
    if (m_openKind == ItemKind::Reasoning) {
        done.insert("text"_L1, part.text);
        emitEvent("response.reasoning_text.done", done, false);
        partDone.insert("part"_L1,
                        QJsonObject{{"type"_L1, "reasoning_text"_L1}, {"text"_L1, part.text}});
    } else if (part.refusal) {
        done.insert("refusal"_L1, part.text);
        emitEvent("response.refusal.done", done, false);
        partDone.insert("part"_L1, Encoder::refusalPart(part.text));
    } else {
        done.insert("text"_L1, part.text);
        done.insert("logprobs"_L1, QJsonArray{});
        emitEvent("response.output_text.done", done, false);
        partDone.insert("part"_L1, Encoder::outputTextPart(part.text));
    }
    emitEvent("response.content_part.done", partDone, false);
}

void OpenAiResponsesStreamEncoder::closeItem(bool incomplete)
{
    if (m_openKind == ItemKind::None)
        return;
    closePart();
    const QString status = incomplete ? u"incomplete"_s : u"completed"_s;
    QJsonObject item;
    switch (m_openKind) {
    case ItemKind::Reasoning:
        item =
            Encoder::reasoningItem(m_openId, m_parts.isEmpty() ? QString() : m_parts.first().text,
                                   m_encrypted, m_redacted);
        break;
    case ItemKind::Message: {
        QJsonArray content;
        for (const Part &part : std::as_const(m_parts))
            content.append(part.refusal ? Encoder::refusalPart(part.text)
                                        : Encoder::outputTextPart(part.text));
        item = Encoder::messageItem(m_openId, status, content);
        break;
    }
    case ItemKind::FunctionCall: {
        QJsonObject done = itemRef();
        done.insert("arguments"_L1, m_arguments);
        emitEvent("response.function_call_arguments.done", done, false);
        item = Encoder::functionCallItem(m_openId, m_callId, m_callName, m_arguments, status, m_options.request);
        break;
    }
    case ItemKind::None:
        break;
    }
    emitEvent("response.output_item.done",
              QJsonObject{{"output_index"_L1, m_openIndex}, {"item"_L1, item}}, false);
    m_progress->doneItems.append(item);
    m_openKind = ItemKind::None;
    m_openIndex = -1;
    m_openId.clear();
}

void OpenAiResponsesStreamEncoder::handleChunk(const QJsonObject &chunk)
{
    if (const auto error = ChatChunkReader::errorOf(chunk)) {
        fail(*error);
        return;
    }
    if (!m_progress->started && m_completionId.isEmpty()) {
        m_completionId = chunk.value("id"_L1).toString();
        m_created = chunk.value("created"_L1).toInteger();
    }
    if (const auto counts = ChatChunkReader::usageOf(chunk))
        m_usage = *counts;
    const QJsonArray choices = chunk.value("choices"_L1).toArray();
    // Chunks without a choice (Azure's prompt filter results, with an empty id; the
    // usage chunk) start nothing, so response.created takes the id of the answer itself.
    if (choices.isEmpty())
        return;
    ensureStarted();
    // The relay serves one choice (translated kinds refuse n > 1).
    const QJsonObject choice = choices.first().toObject();
    handleDelta(choice.value("delta"_L1).toObject());
    const QJsonValue finish = choice.value("finish_reason"_L1);
    if (finish.isString() && !finish.toString().isEmpty())
        m_finishReason = finish.toString();
}

void OpenAiResponsesStreamEncoder::handleDelta(const QJsonObject &delta)
{
    // Within one delta, the Responses item order: reasoning, message, function calls.
    QString reasoning = delta.value("reasoning_content"_L1).toString();
    if (reasoning.isEmpty())
        reasoning = delta.value("reasoning"_L1).toString(); // vLLM's name for it
    if (!reasoning.isEmpty())
        reasoningDelta(reasoning);
    if (delta.value("thinking_blocks"_L1).isArray())
        handleThinkingBlocks(delta.value("thinking_blocks"_L1).toArray());

    const QString text = delta.value("content"_L1).toString();
    if (!text.isEmpty())
        messageText(text, false);
    const QString refusal = delta.value("refusal"_L1).toString();
    if (!refusal.isEmpty())
        messageText(refusal, true);

    for (const QJsonValue &call : delta.value("tool_calls"_L1).toArray()) {
        handleToolCall(call.toObject());
        if (m_ended)
            return;
    }
}

void OpenAiResponsesStreamEncoder::openReasoning()
{
    openItem(ItemKind::Reasoning,
             QJsonObject{{"id"_L1, Encoder::itemId(u"rs_"_s, m_tail, m_reasoningItems++)},
                         {"type"_L1, "reasoning"_L1},
                         {"summary"_L1, QJsonArray{}}},
             false);
    // A readable reasoning item always has its one reasoning_text part.
    m_parts.append(Part{});
    m_partOpen = true;
    QJsonObject added = itemRef();
    added.insert("content_index"_L1, 0);
    added.insert("part"_L1, QJsonObject{{"type"_L1, "reasoning_text"_L1}, {"text"_L1, QString()}});
    emitEvent("response.content_part.added", added, false);
}

void OpenAiResponsesStreamEncoder::reasoningDelta(const QString &text)
{
    if (m_openKind != ItemKind::Reasoning || m_redacted)
        openReasoning();
    m_parts.last().text += text;
    QJsonObject delta = itemRef();
    delta.insert("content_index"_L1, 0);
    delta.insert("delta"_L1, text);
    emitEvent("response.reasoning_text.delta", delta, true);
}

void OpenAiResponsesStreamEncoder::handleThinkingBlocks(const QJsonArray &blocks)
{
    for (const QJsonValue &value : blocks) {
        const QJsonObject block = value.toObject();
        const QString type = block.value("type"_L1).toString();
        if (type == "redacted_thinking"_L1) {
            // Opaque from start to end: the item is whole when it is added.
            openItem(ItemKind::Reasoning,
                     QJsonObject{{"id"_L1, Encoder::itemId(u"rs_"_s, m_tail, m_reasoningItems++)},
                                 {"type"_L1, "reasoning"_L1},
                                 {"summary"_L1, QJsonArray{}}},
                     true);
            m_redacted = true;
            m_encrypted = block.value("data"_L1).toString();
            closeItem();
            continue;
        }
        if (type != "thinking"_L1)
            continue;
        if (m_openKind != ItemKind::Reasoning || m_redacted)
            openReasoning();
        // OneGate's own streams put the text in reasoning_content and only the signature
        // here; text in the block is sent only when reasoning_content did not carry it,
        // so it never appears twice.
        const QString text = block.value("thinking"_L1).toString();
        if (!text.isEmpty() && m_parts.first().text.isEmpty())
            reasoningDelta(text);
        // A signature ends its block: reasoning after it is a new item.
        const QString signature = block.value("signature"_L1).toString();
        if (!signature.isEmpty()) {
            m_encrypted = signature;
            closeItem();
        }
    }
}

void OpenAiResponsesStreamEncoder::messageText(const QString &text, bool refusal)
{
    if (m_openKind != ItemKind::Message)
        openItem(ItemKind::Message,
                 Encoder::messageItem(Encoder::itemId(u"msg_"_s, m_tail, m_messageItems++),
                                      u"in_progress"_s, QJsonArray{}),
                 false);
    if (!m_partOpen || m_parts.last().refusal != refusal) {
        closePart();
        m_parts.append(Part{refusal, {}});
        m_partOpen = true;
        QJsonObject added = itemRef();
        added.insert("content_index"_L1, int(m_parts.size() - 1));
        added.insert("part"_L1, refusal ? Encoder::refusalPart(QString())
                                        : Encoder::outputTextPart(QString()));
        emitEvent("response.content_part.added", added, false);
    }
    m_parts.last().text += text;
    QJsonObject delta = itemRef();
    delta.insert("content_index"_L1, int(m_parts.size() - 1));
    delta.insert("delta"_L1, text);
    if (refusal) {
        emitEvent("response.refusal.delta", delta, true);
    } else {
        delta.insert("logprobs"_L1, QJsonArray{});
        emitEvent("response.output_text.delta", delta, true);
    }
}

void OpenAiResponsesStreamEncoder::handleToolCall(const QJsonObject &call)
{
    const int index = int(call.value("index"_L1).toInteger(0));
    const QJsonObject function = call.value("function"_L1).toObject();
    const QString arguments = function.value("arguments"_L1).toString();
    const auto item = m_toolItems.constFind(index);
    if (item == m_toolItems.constEnd()) {
        QString callId = call.value("id"_L1).toString();
        if (callId.isEmpty())
            callId = u"call_"_s + Encoder::idTail(QString());
        const QString name = function.value("name"_L1).toString();
        openItem(ItemKind::FunctionCall,
                 Encoder::functionCallItem(Encoder::itemId(u"fc_"_s, m_tail, m_callItems++), callId,
                                           name, QString(), u"in_progress"_s, m_options.request),
                 true);
        m_callId = callId;
        m_callName = name;
        m_toolItems.insert(index, m_openIndex);
    } else if (m_openKind != ItemKind::FunctionCall || item.value() != m_openIndex) {
        if (arguments.isEmpty())
            return; // a repeated id or name for a call already done
        // output_item.done cannot be taken back: arguments for a call after another
        // item began cannot be placed. Fail loudly rather than hand the client a call
        // with part of its JSON missing.
        fail(ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s,
                            u"the provider interleaved the arguments of parallel tool calls, "
                            u"which OneGate cannot carry in a Responses stream"_s,
                            true));
        return;
    } else if (m_callName.isEmpty()) {
        m_callName = function.value("name"_L1).toString();
    }
    if (arguments.isEmpty())
        return;
    m_arguments += arguments;
    QJsonObject delta = itemRef();
    delta.insert("delta"_L1, arguments);
    emitEvent("response.function_call_arguments.delta", delta, true);
}

} // namespace onegate
