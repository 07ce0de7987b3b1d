// Helper for tst_usage's kill -9 tests. Usage:
//   usage_crash_child <database> <rows> <tag> [keep-writing: 0|1]
// Records <rows> rows whose requested_model is <tag>, waits until the last one's
// `committed` callback ran, prints "committed", then idles (or keeps writing other rows,
// so the kill can land in the middle of a transaction) until the test kills it.
//   usage_crash_child <database> <rows> <tag> journal
// Opens the recorder, prints "open", waits for a line on stdin (the test then holds the
// database's write lock), records the rows without waiting for any commit, prints
// "journaled" if every record() reported the row durable, and idles.
#include "usage/UsageRecorder.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QStringList>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

onegate::UsageRecord makeRecord(const QString &tag, int index)
{
    onegate::UsageRecord record;
    record.timeMs = QDateTime::currentMSecsSinceEpoch();
    record.accessKey = u"crash-test"_s;
    record.requestedModel = tag;
    record.provider = u"fake"_s;
    record.upstreamModel = u"fake-model"_s;
    record.status = 200;
    record.promptTokens = index;
    record.completionTokens = 2 * index;
    record.latencyMs = 5;
    return record;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4) {
        std::fputs("usage: usage_crash_child <database> <rows> <tag> [0|1]\n", stderr);
        return 2;
    }
    const QString tag = args.at(3);
    const int rows = args.at(2).toInt();
    const bool keepWriting = args.value(4) == u"1"_s;

    onegate::UsageRecorder recorder;
    const QString error = recorder.open(args.at(1));
    if (!error.isEmpty()) {
        std::fprintf(stderr, "%s\n", error.toLocal8Bit().constData());
        return 1;
    }

    if (args.value(4) == u"journal"_s) {
        std::fputs("open\n", stdout);
        std::fflush(stdout);
        char line[16];
        if (!std::fgets(line, sizeof line, stdin))
            return 3;
        bool durable = true;
        for (int i = 0; i < rows; ++i)
            durable = recorder.record(makeRecord(tag, i)) && durable;
        std::fputs(durable ? "journaled\n" : "not journaled\n", stdout);
        std::fflush(stdout);
        QTimer::singleShot(60000, &app, &QCoreApplication::quit);
        return app.exec();
    }

    QTimer writer;
    writer.setInterval(0);
    int extra = 0;
    QObject::connect(&writer, &QTimer::timeout, &app, [&recorder, &tag, &extra] {
        recorder.record(makeRecord(tag + u"-more"_s, ++extra));
    });

    int pending = rows;
    for (int i = 0; i < rows; ++i) {
        recorder.record(makeRecord(tag, i), &app, [&pending, &writer, keepWriting] {
            if (--pending != 0)
                return;
            std::fputs("committed\n", stdout);
            std::fflush(stdout);
            if (keepWriting)
                writer.start();
        });
    }
    // A test that failed to kill us must not leave the process behind.
    QTimer::singleShot(60000, &app, &QCoreApplication::quit);
    return app.exec();
}
