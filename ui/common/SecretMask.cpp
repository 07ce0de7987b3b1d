#include "SecretMask.h"

using namespace Qt::StringLiterals;

namespace onegate {

QString maskSecret(const QByteArray &secret)
{
    const QString text = QString::fromUtf8(secret.trimmed());
    constexpr qsizetype kShowEnds = 20; // from this length: 3 leading and 4 trailing
    constexpr qsizetype kShowTail = 10; // from this length: 2 trailing
    if (text.size() >= kShowEnds)
        return text.left(3) + u'…' + text.right(4);
    if (text.size() >= kShowTail)
        return u"…"_s + text.right(2);
    return u"•••"_s;
}

} // namespace onegate
