#pragma once

// For the end-to-end suites of dialects whose streams name their events (Anthropic
// Messages, OpenAI Responses): header-only, over FakeDialect.h's SSE helpers.

#include "FakeDialect.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

namespace onegate::test {

struct NamedEvent {
    QByteArray name;   // the `event:` line
    QJsonObject data;  // the `data:` JSON
};

// An SSE body as such clients read it: each event's name and JSON data, in order.
inline QList<NamedEvent> namedEvents(const QByteArray &body)
{
    QList<NamedEvent> events;
    for (const QByteArray &frame : sseFrames(body)) {
        NamedEvent event;
        for (const QByteArray &line : frame.split('\n')) {
            if (line.startsWith("event:"))
                event.name = line.mid(6).trimmed();
        }
        event.data = QJsonDocument::fromJson(sseData(frame)).object();
        events.append(event);
    }
    return events;
}

} // namespace onegate::test
