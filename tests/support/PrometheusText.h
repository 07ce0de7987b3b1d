#pragma once

#include <QByteArrayView>
#include <QList>
#include <QMap>
#include <QString>
#include <optional>

namespace onegate::test {

using PromLabels = QMap<QString, QString>;

struct PromSample {
    QString name; // as written, e.g. "x_bucket" for a histogram family "x"
    PromLabels labels;
    double value = 0;
    std::optional<qint64> timestampMs;
    int line = 0; // 1-based, for messages
};

struct PromFamily {
    QString name;
    QString type = QStringLiteral("untyped"); // as its TYPE line says, else "untyped"
    QString help;                             // unescaped
    bool hasType = false;
    bool hasHelp = false;
    QList<PromSample> samples; // in text order
};

// The Prometheus text exposition format 0.0.4, read strictly enough to catch a renderer's
// mistakes: valid UTF-8 ending in a line feed; at most one HELP and one TYPE per family,
// both before its samples; a family's lines together; known types only; sample names
// that fit their family (`_bucket`/`_sum`/`_count` for a histogram, `le` on every bucket);
// label values with only the \\, \" and \n escapes; no series given twice; values that
// Prometheus parses. Blank lines and other `#` comments are skipped, as Prometheus does.
// The first problem stops the parse and is reported as "line N: what".
struct PrometheusText {
    QList<PromFamily> families; // in text order; empty when `error` is set
    QString error;

    static PrometheusText parse(QByteArrayView text);

    bool ok() const { return error.isEmpty(); }
    const PromFamily *family(const QString &name) const;
    // The sample with this name and exactly these labels, wherever its family is.
    const PromSample *sample(const QString &name, const PromLabels &labels = {}) const;
    std::optional<double> value(const QString &name, const PromLabels &labels = {}) const;
};

// Empty when `family` is a well-formed histogram; otherwise its first problem. For every
// label set: buckets with increasing `le` ending at +Inf, counts that never go down, the
// +Inf bucket equal to `_count`, one `_sum` and one `_count`, and a zero `_sum` when
// nothing was observed.
QString histogramProblem(const PromFamily &family);

} // namespace onegate::test
