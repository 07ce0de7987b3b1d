#pragma once

#include "config/Config.h"

#include <QJsonObject>
#include <QString>

namespace onegate {

// What clients are told about a served model, in each dialect's listing, from the
// config's models[] entry (context window, output limit, capabilities, prices). Fields
// the config does not give are left out of the OpenAI and Anthropic listings; the Ollama
// ones fill them with the defaults below, since Ollama clients size prompts by them.
namespace modelDescriptions {

// Ollama's /api/show capabilities when the config names none: a chat model with tools
// (most served models are), or an embedding model when its id says so.
QStringList capabilitiesOf(const QString &id, const ModelAlias *configured);
// The context window reported to Ollama clients when the config gives none: Copilot
// would otherwise assume 4,096 tokens and cut every prompt down to that.
constexpr int kDefaultOllamaContext = 131'072;

// An OpenAI /v1/models entry, with "context_window", "max_output_tokens",
// "capabilities" and "pricing" (per million tokens) when the config gives them.
QJsonObject openAiModel(const QString &id, const QString &ownedBy, qint64 created, const ModelAlias *configured);

// One entry of Ollama's GET /api/tags: name and model are the id; OneGate holds no
// weights, so size is 0 and the digest names the id, not a file.
QJsonObject ollamaTag(const QString &id, const QString &ownedBy, qint64 modifiedSecs);
// Ollama's POST /api/show answer: capabilities, details, and model_info with
// general.architecture "onegate", general.basename and onegate.context_length.
QJsonObject ollamaShow(const QString &id, const QString &ownedBy, qint64 modifiedSecs, const ModelAlias *configured);

} // namespace modelDescriptions

} // namespace onegate
