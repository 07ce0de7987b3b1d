#pragma once

#include <QByteArray>
#include <QString>

namespace onegate {

// The only form in which the window shows a secret after it was entered: enough to tell
// two keys apart ("sk-…3f9a"), never enough to use one. Short secrets show no characters
// at all, since a few characters of a short secret are a large part of it.
QString maskSecret(const QByteArray &secret);

} // namespace onegate
