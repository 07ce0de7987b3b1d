#pragma once

// For the end-to-end suites that link the gateway (header-only, so the support library
// itself needs no gateway).

#include "TestHttpClient.h"
#include "usage/UsageRecorder.h"
#include "usage/UsageStore.h"

#include <QList>
#include <QString>

namespace onegate::test {

// The rows in the usage database at `path`, newest first, once at least `expected` are
// committed (or what is there after 3 s). A row is recorded when its request ends, which
// for an aborted stream is a moment after the client saw the end; flush() then makes
// everything recorded durable.
inline QList<UsageRecord> committedUsageRows(UsageRecorder &usage, const QString &path, int expected)
{
    QList<UsageRecord> rows;
    waitUntil(
        [&] {
            usage.flush();
            UsageStore store;
            if (!store.open(path))
                return false;
            rows = store.recent(100);
            return rows.size() >= expected;
        },
        3000);
    return rows;
}

} // namespace onegate::test
