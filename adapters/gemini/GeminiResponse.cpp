#include "GeminiResponse.h"

#include "openai/OpenAiChatCodec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace onegate::gemini {

using namespace Qt::StringLiterals;

namespace {

Piece pieceOf(const QJsonObject &part)
{
    Piece piece;
    if (part.contains("functionCall"_L1)) {
        const QJsonObject call = part.value("functionCall"_L1).toObject();
        piece.kind = Piece::Kind::ToolCall;
        piece.call.id = newToolCallId();
        piece.call.name = call.value("name"_L1).toString();
        piece.call.arguments = QString::fromUtf8(
            QJsonDocument(call.value("args"_L1).toObject()).toJson(QJsonDocument::Compact));
        piece.call.thoughtSignature = part.value("thoughtSignature"_L1).toString();
        return piece;
    }
    piece.kind = part.value("thought"_L1).toBool() ? Piece::Kind::Thought : Piece::Kind::Text;
    piece.text = part.value("text"_L1).toString();
    return piece;
}

// google.rpc.Code names, for an error object that carries no numeric code.
int httpStatusOf(const QString &status)
{
    static const struct {
        QLatin1String name;
        int http;
    } kCodes[] = {
        {"INVALID_ARGUMENT"_L1, 400},   {"FAILED_PRECONDITION"_L1, 400}, {"OUT_OF_RANGE"_L1, 400},
        {"UNAUTHENTICATED"_L1, 401},    {"PERMISSION_DENIED"_L1, 403},   {"NOT_FOUND"_L1, 404},
        {"RESOURCE_EXHAUSTED"_L1, 429}, {"CANCELLED"_L1, 499},           {"INTERNAL"_L1, 500},
        {"UNAVAILABLE"_L1, 503},        {"DEADLINE_EXCEEDED"_L1, 504}};
    for (const auto &code : kCodes) {
        if (status == code.name)
            return code.http;
    }
    return 500;
}

bool isBadKey(const QJsonObject &error)
{
    for (const QJsonValue &detail : error.value("details"_L1).toArray()) {
        const QJsonObject info = detail.toObject();
        if (info.value("@type"_L1).toString().endsWith("google.rpc.ErrorInfo"_L1) &&
            info.value("reason"_L1).toString() == "API_KEY_INVALID"_L1)
            return true;
    }
    return false;
}

} // namespace

QString newToolCallId()
{
    // newCompletionId() is "chatcmpl-" + 24 random [A-Za-z0-9]: reuse its randomness.
    return u"call_"_s + newCompletionId().sliced(9);
}

Chunk parseChunk(const QJsonObject &response)
{
    Chunk chunk;
    chunk.responseId = response.value("responseId"_L1).toString();
    chunk.modelVersion = response.value("modelVersion"_L1).toString();
    const QJsonValue usage = response.value("usageMetadata"_L1);
    if (usage.isObject())
        chunk.usage = usageFromGemini(usage.toObject());
    const QJsonArray candidates = response.value("candidates"_L1).toArray();
    if (candidates.isEmpty()) {
        chunk.promptBlocked = response.value("promptFeedback"_L1).isObject();
        return chunk;
    }
    chunk.hasCandidate = true;
    const QJsonObject candidate = candidates.first().toObject();
    chunk.finishReason = candidate.value("finishReason"_L1).toString();
    for (const QJsonValue &part :
         candidate.value("content"_L1).toObject().value("parts"_L1).toArray()) {
        const Piece piece = pieceOf(part.toObject());
        if (piece.kind != Piece::Kind::ToolCall && piece.text.isEmpty())
            continue; // e.g. an executableCode part, or a text part holding only a signature
        chunk.pieces.append(piece);
    }
    return chunk;
}

QString openAiFinishReason(const QString &reason, bool hasToolCalls)
{
    if (reason.isEmpty() || reason == "STOP"_L1)
        return hasToolCalls ? canonical::finish::ToolCalls : canonical::finish::Stop;
    if (reason == "MAX_TOKENS"_L1)
        return canonical::finish::Length;
    // clang-format off
    static const QLatin1String kFiltered[] = {
        "SAFETY"_L1, "RECITATION"_L1, "BLOCKLIST"_L1, "PROHIBITED_CONTENT"_L1, "SPII"_L1,
        "IMAGE_SAFETY"_L1, "IMAGE_PROHIBITED_CONTENT"_L1, "IMAGE_RECITATION"_L1, "LANGUAGE"_L1};
    // clang-format on
    for (const QLatin1String filtered : kFiltered) {
        if (reason == filtered)
            return canonical::finish::ContentFilter;
    }
    // OTHER, MALFORMED_FUNCTION_CALL, FINISH_REASON_UNSPECIFIED and values added later.
    return canonical::finish::Stop;
}

TokenUsage usageFromGemini(const QJsonObject &metadata)
{
    TokenUsage usage;
    if (metadata.isEmpty())
        return usage;
    usage.known = true;
    usage.prompt = metadata.value("promptTokenCount"_L1).toInteger();
    usage.cached = metadata.value("cachedContentTokenCount"_L1).toInteger();
    usage.reasoning = metadata.value("thoughtsTokenCount"_L1).toInteger();
    usage.completion = metadata.value("candidatesTokenCount"_L1).toInteger() + usage.reasoning;
    return usage;
}

ApiError apiErrorFromGemini(int httpStatus, const QJsonObject &error)
{
    const QString status = error.value("status"_L1).toString();
    const int code = httpStatus > 0                       ? httpStatus
                     : error.value("code"_L1).toInt() > 0 ? error.value("code"_L1).toInt()
                                                          : httpStatusOf(status);
    QString message = error.value("message"_L1).toString();
    if (message.isEmpty())
        message = u"Gemini answered %1 %2"_s.arg(code).arg(status).trimmed();

    if (code == 401 || isBadKey(error))
        return ApiError::make(401, u"invalid_request_error"_s, u"invalid_api_key"_s, message);
    if (code == 404)
        return ApiError::make(404, u"invalid_request_error"_s, u"model_not_found"_s, message);
    if (code == 403)
        return ApiError::make(403, u"invalid_request_error"_s, u"permission_denied"_s, message);
    if (code == 429)
        return ApiError::make(429, u"requests"_s, u"rate_limit_exceeded"_s, message, true);
    // CANCELLED: Gemini gave up on the request; to the client that is a provider failure.
    if (code == 499)
        return ApiError::make(502, u"upstream_error"_s, u"upstream_cancelled"_s, message, true);
    if (code >= 500)
        return ApiError::make(code, u"server_error"_s, {}, message, true);
    return ApiError::make(code >= 400 ? code : 400, u"invalid_request_error"_s, {}, message);
}

QJsonObject errorObjectOf(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonObject object = doc.isArray() ? doc.array().at(0).toObject() : doc.object();
    return object.value("error"_L1).toObject();
}

std::variant<canonical::Response, ApiError> decodeResponse(const QJsonObject &object,
                                                           const QString &fallbackModel)
{
    if (object.value("error"_L1).isObject())
        return apiErrorFromGemini(0, object.value("error"_L1).toObject());
    const Chunk chunk = parseChunk(object);
    if (!chunk.hasCandidate && !chunk.promptBlocked)
        return ApiError::make(502, u"upstream_error"_s, u"bad_upstream_response"_s,
                              u"Gemini answered with neither candidates nor promptFeedback"_s,
                              true);
    canonical::Response response;
    if (!chunk.responseId.isEmpty())
        response.id = u"chatcmpl-"_s + chunk.responseId;
    response.model = chunk.modelVersion.isEmpty() ? fallbackModel : chunk.modelVersion;
    response.created = QDateTime::currentSecsSinceEpoch();
    QString thoughts;
    for (const Piece &piece : chunk.pieces) {
        switch (piece.kind) {
        case Piece::Kind::Text:
            response.text += piece.text;
            break;
        case Piece::Kind::Thought:
            thoughts += piece.text;
            break;
        case Piece::Kind::ToolCall:
            response.toolCalls.append(piece.call);
            break;
        }
    }
    if (!thoughts.isEmpty())
        response.reasoning.append(canonical::Reasoning{thoughts, {}, {}});
    response.finishReason =
        chunk.promptBlocked ? canonical::finish::ContentFilter
                            : openAiFinishReason(chunk.finishReason, !response.toolCalls.isEmpty());
    response.usage = chunk.usage;
    return response;
}

} // namespace onegate::gemini
