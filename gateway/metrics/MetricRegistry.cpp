#include "MetricRegistry.h"

#include <QLocale>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace onegate {

namespace {

// Integral values below this print as integers; above it a double no longer holds every
// integer anyway, and the exponent form is shorter.
constexpr double kLargestPlainInteger = 1e18;

QByteArray escaped(const QString &text, bool quotes)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quotes)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool validMetricName(const QString &name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name[i];
        if (!isAsciiLetter(c) && c != u'_' && c != u':' && !(i > 0 && isAsciiDigit(c)))
            return false;
    }
    return true;
}

bool validLabelName(const QString &name)
{
    if (name.isEmpty() || name.startsWith(QLatin1String("__")))
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name[i];
        if (!isAsciiLetter(c) && c != u'_' && !(i > 0 && isAsciiDigit(c)))
            return false;
    }
    return true;
}

// Empty when the family may be rendered; otherwise why not.
QString registrationProblem(const MetricFamily &family)
{
    if (!validMetricName(family.name()))
        return QStringLiteral("invalid metric name");
    QSet<QString> seen;
    for (const QString &label : family.labelNames()) {
        if (!validLabelName(label))
            return QStringLiteral("invalid label name \"%1\"").arg(label);
        if (seen.contains(label))
            return QStringLiteral("label \"%1\" given twice").arg(label);
        seen.insert(label);
    }
    if (family.type() == MetricFamily::Type::Histogram && seen.contains(QStringLiteral("le")))
        return QStringLiteral("a histogram cannot have an \"le\" label");
    return {};
}

QByteArray typeName(MetricFamily::Type type)
{
    switch (type) {
    case MetricFamily::Type::Counter:
        return QByteArrayLiteral("counter");
    case MetricFamily::Type::Gauge:
        return QByteArrayLiteral("gauge");
    case MetricFamily::Type::Histogram:
        return QByteArrayLiteral("histogram");
    }
    return QByteArrayLiteral("untyped");
}

} // namespace

QByteArray formatPrometheusNumber(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::trunc(value) && std::fabs(value) < kLargestPlainInteger)
        return QByteArray::number(static_cast<qint64>(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

bool LabelValuesLess::operator()(const QStringList &a, const QStringList &b) const
{
    const qsizetype common = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < common; ++i) {
        if (const int order = a[i].compare(b[i]); order != 0)
            return order < 0;
    }
    return a.size() < b.size();
}

// MetricFamily

MetricFamily::MetricFamily(const QString &name, const QString &help, const QStringList &labelNames)
    : m_name(name)
    , m_help(help)
    , m_labelNames(labelNames)
{
}

void MetricFamily::render(QByteArray &out) const
{
    const QByteArray name = m_name.toUtf8();
    out += "# HELP " + name + ' ' + escaped(m_help, false) + '\n';
    out += "# TYPE " + name + ' ' + typeName(type()) + '\n';
    renderSeries(out);
}

bool MetricFamily::acceptsLabels(const QStringList &labelValues) const
{
    Q_ASSERT_X(labelValues.size() == m_labelNames.size(), "MetricFamily",
               "label values do not match the family's label names");
    return labelValues.size() == m_labelNames.size();
}

QByteArray MetricFamily::labelBlock(const QStringList &labelValues, const QByteArray &extraName,
                                    const QByteArray &extraValue) const
{
    if (m_labelNames.isEmpty() && extraName.isEmpty())
        return {};
    QByteArray out = "{";
    for (qsizetype i = 0; i < m_labelNames.size(); ++i) {
        if (i > 0)
            out += ',';
        out += m_labelNames[i].toUtf8() + "=\"" + escaped(labelValues.value(i), true) + '"';
    }
    if (!extraName.isEmpty()) {
        if (!m_labelNames.isEmpty())
            out += ',';
        out += extraName + "=\"" + extraValue + '"';
    }
    out += '}';
    return out;
}

// CounterFamily

CounterFamily::CounterFamily(const QString &name, const QString &help,
                             const QStringList &labelNames)
    : MetricFamily(name, help, labelNames)
{
    if (labelNames.isEmpty())
        m_series.emplace(QStringList(), 0.0);
}

void CounterFamily::inc(const QStringList &labelValues, double amount)
{
    if (!acceptsLabels(labelValues) || !(amount >= 0))
        return;
    m_series[labelValues] += amount;
}

double CounterFamily::value(const QStringList &labelValues) const
{
    const auto it = m_series.find(labelValues);
    return it == m_series.end() ? 0.0 : it->second;
}

void CounterFamily::renderSeries(QByteArray &out) const
{
    const QByteArray name = this->name().toUtf8();
    for (const auto &[labels, value] : m_series)
        out += name + labelBlock(labels) + ' ' + formatPrometheusNumber(value) + '\n';
}

// GaugeFamily

GaugeFamily::GaugeFamily(const QString &name, const QString &help, const QStringList &labelNames)
    : MetricFamily(name, help, labelNames)
{
    if (labelNames.isEmpty())
        m_series.emplace(QStringList(), 0.0);
}

void GaugeFamily::set(const QStringList &labelValues, double value)
{
    if (acceptsLabels(labelValues))
        m_series[labelValues] = value;
}

void GaugeFamily::add(const QStringList &labelValues, double delta)
{
    if (acceptsLabels(labelValues))
        m_series[labelValues] += delta;
}

double GaugeFamily::value(const QStringList &labelValues) const
{
    const auto it = m_series.find(labelValues);
    return it == m_series.end() ? 0.0 : it->second;
}

void GaugeFamily::renderSeries(QByteArray &out) const
{
    const QByteArray name = this->name().toUtf8();
    for (const auto &[labels, value] : m_series)
        out += name + labelBlock(labels) + ' ' + formatPrometheusNumber(value) + '\n';
}

// HistogramFamily

HistogramFamily::HistogramFamily(const QString &name, const QString &help,
                                 const QStringList &labelNames, QList<double> upperBounds)
    : MetricFamily(name, help, labelNames)
{
    upperBounds.removeIf([](double bound) { return !std::isfinite(bound); });
    std::sort(upperBounds.begin(), upperBounds.end());
    upperBounds.erase(std::unique(upperBounds.begin(), upperBounds.end()), upperBounds.end());
    m_bounds = std::move(upperBounds);
    if (labelNames.isEmpty())
        m_series.emplace(QStringList(), Series{QList<quint64>(m_bounds.size(), 0), 0, 0});
}

void HistogramFamily::observe(const QStringList &labelValues, double value)
{
    if (!acceptsLabels(labelValues) || std::isnan(value))
        return;
    auto it = m_series.find(labelValues);
    if (it == m_series.end())
        it = m_series.emplace(labelValues, Series{QList<quint64>(m_bounds.size(), 0), 0, 0}).first;
    Series &series = it->second;
    // `le` is inclusive: the first bound not below the value takes it.
    const auto bound = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value);
    if (bound != m_bounds.cend())
        ++series.buckets[bound - m_bounds.cbegin()];
    series.sum += value;
    ++series.count;
}

void HistogramFamily::renderSeries(QByteArray &out) const
{
    const QByteArray name = this->name().toUtf8();
    const QByteArray bucketName = name + "_bucket";
    const QByteArray le = QByteArrayLiteral("le");
    for (const auto &[labels, series] : m_series) {
        quint64 cumulative = 0;
        for (qsizetype i = 0; i < m_bounds.size(); ++i) {
            cumulative += series.buckets[i];
            out += bucketName + labelBlock(labels, le, formatPrometheusNumber(m_bounds[i])) + ' ' +
                   QByteArray::number(cumulative) + '\n';
        }
        out += bucketName + labelBlock(labels, le, QByteArrayLiteral("+Inf")) + ' ' +
               QByteArray::number(series.count) + '\n';
        const QByteArray block = labelBlock(labels);
        out += name + "_sum" + block + ' ' + formatPrometheusNumber(series.sum) + '\n';
        out += name + "_count" + block + ' ' + QByteArray::number(series.count) + '\n';
    }
}

// MetricRegistry

template <typename Family, typename... Args>
Family &MetricRegistry::add(const QString &name, Args &&...args)
{
    auto family = std::make_unique<Family>(name, std::forward<Args>(args)...);
    Family &result = *family;
    QString problem = registrationProblem(result);
    if (problem.isEmpty() && m_families.count(name) != 0)
        problem = QStringLiteral("name already registered");
    if (!problem.isEmpty()) {
        qWarning("metrics: %s is not exported: %s", qUtf8Printable(name), qUtf8Printable(problem));
        m_rejected.push_back(std::move(family));
        return result;
    }
    m_families.emplace(name, std::move(family));
    return result;
}

CounterFamily &MetricRegistry::counter(const QString &name, const QString &help,
                                       const QStringList &labelNames)
{
    return add<CounterFamily>(name, help, labelNames);
}

GaugeFamily &MetricRegistry::gauge(const QString &name, const QString &help,
                                   const QStringList &labelNames)
{
    return add<GaugeFamily>(name, help, labelNames);
}

HistogramFamily &MetricRegistry::histogram(const QString &name, const QString &help,
                                           const QStringList &labelNames,
                                           const QList<double> &upperBounds)
{
    return add<HistogramFamily>(name, help, labelNames, upperBounds);
}

QByteArray MetricRegistry::render() const
{
    QByteArray out;
    for (const auto &[name, family] : m_families)
        family->render(out);
    return out;
}

} // namespace onegate
