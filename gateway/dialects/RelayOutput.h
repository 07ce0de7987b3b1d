#pragma once

#include "core/ApiError.h"

#include <QJsonValue>
#include <QString>

namespace onegate::relayOutput {

// What every dialect's answer encoder needs of the relay's OpenAI Chat output.

// The relay's output is not a chat completion with a choice: a provider's broken answer.
ApiError notACompletion(const QString &message);

// A message's text: OpenAI-compatible servers send content as a string; a few send an
// array of parts.
QString textOf(const QJsonValue &content);

} // namespace onegate::relayOutput
