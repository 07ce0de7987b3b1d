#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <map>
#include <memory>
#include <vector>

namespace onegate {

// The Prometheus text exposition format (0.0.4): what it is served as, and how one
// number is written so that Prometheus parses it back to the same double: integral
// values without exponent or fraction ("42"), others in the shortest form that round
// trips ("0.1", "2.5e-07"), and "+Inf", "-Inf", "NaN".
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";
QByteArray formatPrometheusNumber(double value);

// Orders label-value tuples for rendering: element by element, then shorter first.
struct LabelValuesLess {
    bool operator()(const QStringList &a, const QStringList &b) const;
};

// One metric family: a name, a help text, fixed label names, and one series per
// distinct tuple of label values. Label values are given in the order of the label
// names; a call with the wrong number of values is a programming error (asserted in
// debug builds, ignored otherwise, so a miscounted label never takes the gateway down).
// Series render sorted by their label values, so output is stable across runs.
class MetricFamily {
public:
    enum class Type { Counter, Gauge, Histogram };

    virtual ~MetricFamily() = default;
    Q_DISABLE_COPY_MOVE(MetricFamily)

    const QString &name() const { return m_name; }
    const QString &help() const { return m_help; }
    const QStringList &labelNames() const { return m_labelNames; }
    virtual Type type() const = 0;

    // Appends "# HELP", "# TYPE" and every series of this family.
    void render(QByteArray &out) const;

protected:
    MetricFamily(const QString &name, const QString &help, const QStringList &labelNames);
    bool acceptsLabels(const QStringList &labelValues) const;
    // `{a="x",b="y"}` for these values; `extraName`/`extraValue` (a histogram's `le`)
    // go last. Empty when there are no labels at all.
    QByteArray labelBlock(const QStringList &labelValues, const QByteArray &extraName = {},
                          const QByteArray &extraValue = {}) const;
    virtual void renderSeries(QByteArray &out) const = 0;

private:
    QString m_name;
    QString m_help;
    QStringList m_labelNames;
};

// Only goes up. A family without labels starts with its one series at 0, so it is
// scraped from the start; labelled series appear on their first increment.
class CounterFamily final : public MetricFamily {
public:
    CounterFamily(const QString &name, const QString &help, const QStringList &labelNames);

    Type type() const override { return Type::Counter; }
    // Negative and NaN amounts are ignored: a counter that went down would read as a
    // process restart to Prometheus' rate().
    void inc(const QStringList &labelValues, double amount = 1.0);
    double value(const QStringList &labelValues) const;

private:
    void renderSeries(QByteArray &out) const override;

    std::map<QStringList, double, LabelValuesLess> m_series;
};

// Goes up and down. Like counters, an unlabelled gauge starts at 0.
class GaugeFamily final : public MetricFamily {
public:
    GaugeFamily(const QString &name, const QString &help, const QStringList &labelNames);

    Type type() const override { return Type::Gauge; }
    void set(const QStringList &labelValues, double value);
    void add(const QStringList &labelValues, double delta);
    double value(const QStringList &labelValues) const;

private:
    void renderSeries(QByteArray &out) const override;

    std::map<QStringList, double, LabelValuesLess> m_series;
};

// Fixed upper bounds (inclusive, as Prometheus' `le` means), rendered cumulatively with
// the implicit `+Inf` bucket, then `_sum` and `_count`. The bounds given are sorted and
// de-duplicated, and non-finite ones dropped (+Inf is always added), so any list yields
// a valid histogram. NaN observations are ignored: one would turn `_sum` into NaN for
// good.
class HistogramFamily final : public MetricFamily {
public:
    HistogramFamily(const QString &name, const QString &help, const QStringList &labelNames,
                    QList<double> upperBounds);

    Type type() const override { return Type::Histogram; }
    const QList<double> &upperBounds() const { return m_bounds; }
    void observe(const QStringList &labelValues, double value);

private:
    struct Series {
        QList<quint64> buckets; // per finite bound, not cumulative; +Inf is `count`
        double sum = 0;
        quint64 count = 0;
    };
    void renderSeries(QByteArray &out) const override;

    QList<double> m_bounds;
    std::map<QStringList, Series, LabelValuesLess> m_series;
};

// Owns metric families and renders them, sorted by name, as one text exposition.
// Names must follow Prometheus' rules ([a-zA-Z_:][a-zA-Z0-9_:]*, labels without ':' and
// not starting "__", no `le` label on a histogram) and be unique. A registration that
// breaks them logs a warning and gets a working family that is never rendered: one bad
// name must not make the whole exposition unparseable for the scraper.
// The returned references stay valid for the registry's lifetime. Not thread-safe: it
// belongs to the thread that records into it.
class MetricRegistry final {
public:
    MetricRegistry() = default;
    Q_DISABLE_COPY_MOVE(MetricRegistry)

    CounterFamily &counter(const QString &name, const QString &help,
                           const QStringList &labelNames = {});
    GaugeFamily &gauge(const QString &name, const QString &help,
                       const QStringList &labelNames = {});
    HistogramFamily &histogram(const QString &name, const QString &help,
                               const QStringList &labelNames, const QList<double> &upperBounds);

    // The whole exposition, UTF-8, every line ending in '\n'; empty when no family exists.
    QByteArray render() const;

private:
    template <typename Family, typename... Args> Family &add(const QString &name, Args &&...args);

    std::map<QString, std::unique_ptr<MetricFamily>> m_families;
    std::vector<std::unique_ptr<MetricFamily>> m_rejected; // refused names, kept alive
};

} // namespace onegate
