#include "Canonical.h"

namespace onegate::canonical {

QString Message::text() const
{
    QString joined;
    for (const ContentPart &part : content) {
        if (part.type != ContentPart::Type::Text)
            continue;
        if (!joined.isEmpty())
            joined += QLatin1Char('\n');
        joined += part.text;
    }
    return joined;
}

} // namespace onegate::canonical
