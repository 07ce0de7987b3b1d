#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QByteArrayView>

namespace onegate {

// A provider key must never travel further than the provider it belongs to, yet some
// providers and the proxies in front of them quote the key they were sent (or refused)
// in their error messages. Whatever OneGate hands on from a provider's answer (to the
// client, the usage log, health, metrics) goes through these first, with the key of the
// call that answered.
//
// Every occurrence of `secret` becomes `[redacted]`, also in the forms a JSON encoder
// ("\/") or a URL ("%2F") may have given it. A secret shorter than kMinRedactedSecret is
// left alone: rewriting every "test" in an answer would corrupt it, and such a key
// protects nothing.
constexpr qsizetype kMinRedactedSecret = 8;

QByteArray redactSecret(QByteArray text, QByteArrayView secret);
QString redactSecret(QString text, QByteArrayView secret);
// Every text field of `error`, and the relayed body.
void redactSecret(ApiError &error, QByteArrayView secret);

} // namespace onegate
