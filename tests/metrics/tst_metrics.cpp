#include "PrometheusText.h"
#include "core/ProviderAdapter.h"
#include "metrics/GatewayMetrics.h"
#include "metrics/MetricRegistry.h"

#include <QRegularExpression>
#include <QTest>
#include <cmath>
#include <limits>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

struct Finished {
    QString model;
    QString provider;
    int status;
    double latency;
    double ttfb;
};

// The traffic every test of GatewayMetrics reads back: latencies on bucket bounds, below
// the first and past the last one, a request that never reached a provider, usage that
// was not reported.
const QList<Finished> &finishedRequests()
{
    static const QList<Finished> requests = {
        {u"gpt-4o"_s, u"openai"_s, 200, 0.004, 0.002},
        {u"gpt-4o"_s, u"openai"_s, 200, 1.2, 0.3},
        {u"gpt-4o"_s, u"openai"_s, 429, 0.05, -1},
        {u"gpt-4o"_s, u"azure"_s, 200, 2.5, 0.25},
        {u"claude-sonnet"_s, u"anthropic"_s, 200, 45, 1},
        {u"claude-sonnet"_s, u"anthropic"_s, 500, 700, -1},
        {u"nope"_s, QString(), 404, 0.001, -1},
    };
    return requests;
}

TokenUsage usage(qint64 prompt, qint64 completion, qint64 cached, qint64 reasoning)
{
    TokenUsage u;
    u.prompt = prompt;
    u.completion = completion;
    u.cached = cached;
    u.reasoning = reasoning;
    u.cacheWrite = 7;
    u.known = true;
    return u;
}

void playScript(GatewayMetrics &metrics)
{
    for (const Finished &r : finishedRequests())
        metrics.requestFinished(r.model, r.provider, r.status, r.latency, r.ttfb);
    metrics.tokens(u"gpt-4o"_s, u"openai"_s, usage(100, 20, 0, 0));
    metrics.tokens(u"gpt-4o"_s, u"openai"_s, usage(50, 30, 40, 10));
    metrics.tokens(u"gpt-4o"_s, u"azure"_s, TokenUsage{}); // not reported: adds nothing
    metrics.tokens(u"claude-sonnet"_s, u"anthropic"_s, usage(1000, 500, 800, 200));
    metrics.upstreamError(u"openai"_s, u"status_429"_s);
    metrics.upstreamError(u"openai"_s, u"status_429"_s);
    metrics.upstreamError(u"anthropic"_s, u"timeout"_s);
    metrics.retry(u"openai"_s);
    metrics.retry(u"openai"_s);
    metrics.failover(u"openai"_s);
    metrics.cacheHit(u"gpt-4o"_s);
    metrics.cacheHit(u"gpt-4o"_s);
    metrics.cacheHit(u"gpt-4o"_s);
    metrics.cacheMiss(u"gpt-4o"_s);
    metrics.cacheMiss(u"claude-sonnet"_s);
    metrics.setOpenBreakers(1);
    metrics.streamStarted();
    metrics.streamStarted();
    metrics.streamStarted();
    metrics.streamEnded();
}

PrometheusText scriptedText()
{
    GatewayMetrics metrics;
    playScript(metrics);
    return PrometheusText::parse(metrics.render());
}

PromLabels labels(std::initializer_list<std::pair<QString, QString>> pairs)
{
    PromLabels map;
    for (const auto &[key, value] : pairs)
        map.insert(key, value);
    return map;
}

const QStringList kGatewayFamilies = {
    u"onegate_cache_hits_total"_s,
    u"onegate_cache_misses_total"_s,
    u"onegate_failovers_total"_s,
    u"onegate_open_circuit_breakers"_s,
    u"onegate_request_duration_seconds"_s,
    u"onegate_requests_total"_s,
    u"onegate_retries_total"_s,
    u"onegate_streams_in_flight"_s,
    u"onegate_time_to_first_token_seconds"_s,
    u"onegate_tokens_total"_s,
    u"onegate_upstream_errors_total"_s,
};

} // namespace

class TestMetrics final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyRegistry();
    void freshGatewayMetrics();
    void counters_data();
    void counters();
    void seriesPerFamily_data();
    void seriesPerFamily();
    void familyHeaders_data();
    void familyHeaders();
    void histograms_data();
    void histograms();
    void bucketBoundsAreInclusive_data();
    void bucketBoundsAreInclusive();
    void bucketsAreSanitised();
    void streamsInFlight_data();
    void streamsInFlight();
    void openBreakers();
    void genericGauge();
    void labelEscaping_data();
    void labelEscaping();
    void helpEscaping();
    void stableOrder();
    void numberFormatting_data();
    void numberFormatting();
    void registrationMistakes_data();
    void registrationMistakes();
    void parserAccepts_data();
    void parserAccepts();
    void parserRejects_data();
    void parserRejects();
    void histogramChecker_data();
    void histogramChecker();
};

void TestMetrics::emptyRegistry()
{
    const MetricRegistry registry;
    const QByteArray text = registry.render();
    QVERIFY(text.isEmpty());
    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QVERIFY(parsed.families.isEmpty());
}

void TestMetrics::freshGatewayMetrics()
{
    // Before any traffic: every family announced, labelled ones without series, the
    // unlabelled gauges at 0 so a scrape sees them from the start.
    const GatewayMetrics metrics;
    const PrometheusText parsed = PrometheusText::parse(metrics.render());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QStringList names;
    for (const PromFamily &family : parsed.families) {
        names.append(family.name);
        QVERIFY2(family.hasHelp && family.hasType, qPrintable(family.name));
        if (family.type == "gauge"_L1) {
            QCOMPARE(family.samples.size(), 1);
            QCOMPARE(family.samples.first().value, 0.0);
        } else {
            QVERIFY2(family.samples.isEmpty(), qPrintable(family.name));
        }
    }
    QCOMPARE(names, kGatewayFamilies);
}

void TestMetrics::counters_data()
{
    QTest::addColumn<QString>("sample");
    QTest::addColumn<PromLabels>("labels");
    QTest::addColumn<double>("expected"); // -1: no such series

    const auto requests = [](const char *row, const QString &model, const QString &provider,
                             const QString &status, double expected) {
        QTest::newRow(row) << u"onegate_requests_total"_s
                           << labels({{u"model"_s, model},
                                      {u"provider"_s, provider},
                                      {u"status"_s, status}})
                           << expected;
    };
    requests("requests openai 200", u"gpt-4o"_s, u"openai"_s, u"200"_s, 2);
    requests("requests openai 429", u"gpt-4o"_s, u"openai"_s, u"429"_s, 1);
    requests("requests azure 200", u"gpt-4o"_s, u"azure"_s, u"200"_s, 1);
    requests("requests anthropic 200", u"claude-sonnet"_s, u"anthropic"_s, u"200"_s, 1);
    requests("requests anthropic 500", u"claude-sonnet"_s, u"anthropic"_s, u"500"_s, 1);
    requests("requests without provider", u"nope"_s, QString(), u"404"_s, 1);
    requests("requests never made", u"gpt-4o"_s, u"openai"_s, u"500"_s, -1);

    const auto tokens = [](const char *row, const QString &model, const QString &provider,
                           const QString &kind, double expected) {
        QTest::newRow(row) << u"onegate_tokens_total"_s
                           << labels({{u"model"_s, model},
                                      {u"provider"_s, provider},
                                      {u"kind"_s, kind}})
                           << expected;
    };
    tokens("tokens openai prompt", u"gpt-4o"_s, u"openai"_s, u"prompt"_s, 150);
    tokens("tokens openai completion", u"gpt-4o"_s, u"openai"_s, u"completion"_s, 50);
    tokens("tokens openai cached", u"gpt-4o"_s, u"openai"_s, u"cached"_s, 40);
    tokens("tokens openai reasoning", u"gpt-4o"_s, u"openai"_s, u"reasoning"_s, 10);
    tokens("tokens anthropic prompt", u"claude-sonnet"_s, u"anthropic"_s, u"prompt"_s, 1000);
    tokens("tokens anthropic reasoning", u"claude-sonnet"_s, u"anthropic"_s, u"reasoning"_s, 200);
    tokens("tokens unknown usage", u"gpt-4o"_s, u"azure"_s, u"prompt"_s, -1);
    tokens("tokens no cache_write kind", u"gpt-4o"_s, u"openai"_s, u"cache_write"_s, -1);

    QTest::newRow("upstream errors 429")
        << u"onegate_upstream_errors_total"_s
        << labels({{u"provider"_s, u"openai"_s}, {u"reason"_s, u"status_429"_s}}) << 2.0;
    QTest::newRow("upstream errors timeout")
        << u"onegate_upstream_errors_total"_s
        << labels({{u"provider"_s, u"anthropic"_s}, {u"reason"_s, u"timeout"_s}}) << 1.0;
    QTest::newRow("retries") << u"onegate_retries_total"_s << labels({{u"provider"_s, u"openai"_s}})
                             << 2.0;
    QTest::newRow("failovers") << u"onegate_failovers_total"_s
                               << labels({{u"provider"_s, u"openai"_s}}) << 1.0;
    QTest::newRow("failovers from elsewhere")
        << u"onegate_failovers_total"_s << labels({{u"provider"_s, u"anthropic"_s}}) << -1.0;
    QTest::newRow("cache hits") << u"onegate_cache_hits_total"_s
                                << labels({{u"model"_s, u"gpt-4o"_s}}) << 3.0;
    QTest::newRow("cache misses gpt")
        << u"onegate_cache_misses_total"_s << labels({{u"model"_s, u"gpt-4o"_s}}) << 1.0;
    QTest::newRow("cache misses claude")
        << u"onegate_cache_misses_total"_s << labels({{u"model"_s, u"claude-sonnet"_s}}) << 1.0;
    QTest::newRow("open breakers") << u"onegate_open_circuit_breakers"_s << PromLabels() << 1.0;
    QTest::newRow("streams in flight") << u"onegate_streams_in_flight"_s << PromLabels() << 2.0;
}

void TestMetrics::counters()
{
    QFETCH(QString, sample);
    QFETCH(PromLabels, labels);
    QFETCH(double, expected);

    const PrometheusText parsed = scriptedText();
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const std::optional<double> value = parsed.value(sample, labels);
    if (expected < 0) {
        QVERIFY(!value);
        return;
    }
    QVERIFY(value);
    QCOMPARE(*value, expected);
}

void TestMetrics::seriesPerFamily_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<int>("samples");
    // Nothing beyond what the script caused: 5 status series; 3 x 4 token kinds (the
    // unreported usage adds none); 18 buckets + _sum + _count per histogram series.
    QTest::newRow("requests") << u"onegate_requests_total"_s << 6;
    QTest::newRow("tokens") << u"onegate_tokens_total"_s << 8;
    QTest::newRow("duration") << u"onegate_request_duration_seconds"_s << 4 * 20;
    QTest::newRow("first token") << u"onegate_time_to_first_token_seconds"_s << 3 * 20;
    QTest::newRow("upstream errors") << u"onegate_upstream_errors_total"_s << 2;
    QTest::newRow("retries") << u"onegate_retries_total"_s << 1;
    QTest::newRow("failovers") << u"onegate_failovers_total"_s << 1;
    QTest::newRow("cache hits") << u"onegate_cache_hits_total"_s << 1;
    QTest::newRow("cache misses") << u"onegate_cache_misses_total"_s << 2;
    QTest::newRow("open breakers") << u"onegate_open_circuit_breakers"_s << 1;
    QTest::newRow("streams") << u"onegate_streams_in_flight"_s << 1;
}

void TestMetrics::seriesPerFamily()
{
    QFETCH(QString, family);
    QFETCH(int, samples);
    QCOMPARE(GatewayMetrics::latencyBuckets().size() + 3, 20);

    const PrometheusText parsed = scriptedText();
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const PromFamily *found = parsed.family(family);
    QVERIFY(found);
    QCOMPARE(found->samples.size(), samples);
}

void TestMetrics::familyHeaders_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("type");
    for (const QString &name : kGatewayFamilies) {
        const QString type = name.endsWith("_total"_L1)     ? u"counter"_s
                             : name.endsWith("_seconds"_L1) ? u"histogram"_s
                                                            : u"gauge"_s;
        QTest::newRow(qPrintable(name)) << name << type;
    }
}

void TestMetrics::familyHeaders()
{
    QFETCH(QString, family);
    QFETCH(QString, type);

    GatewayMetrics metrics;
    playScript(metrics);
    const QByteArray text = metrics.render();
    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const PromFamily *found = parsed.family(family);
    QVERIFY(found);
    QCOMPARE(found->type, type);
    QVERIFY(found->hasHelp);
    QVERIFY(!found->help.isEmpty());
    // The parser refuses a second HELP or TYPE already; count the raw lines as well, so
    // the check does not rest on the parser alone.
    const QByteArray helpLine = "# HELP " + family.toUtf8() + ' ';
    const QByteArray typeLine = "# TYPE " + family.toUtf8() + ' ';
    QCOMPARE(text.count(helpLine), 1);
    QCOMPARE(text.count(typeLine), 1);
    // HELP comes first, then TYPE, then the samples.
    QVERIFY(text.indexOf(helpLine) < text.indexOf(typeLine));
    if (!found->samples.isEmpty()) {
        const QByteArray firstSample = '\n' + found->samples.first().name.toUtf8();
        QVERIFY(text.indexOf(typeLine) < text.indexOf(firstSample));
    }
}

void TestMetrics::histograms_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QList<double>>("observations"); // empty: no series expected

    for (const bool duration : {true, false}) {
        const QString family = duration ? u"onegate_request_duration_seconds"_s
                                        : u"onegate_time_to_first_token_seconds"_s;
        const QList<std::pair<QString, QString>> series = {
            {u"gpt-4o"_s, u"openai"_s},
            {u"gpt-4o"_s, u"azure"_s},
            {u"claude-sonnet"_s, u"anthropic"_s},
            {u"nope"_s, QString()},
        };
        for (const auto &[model, provider] : series) {
            QList<double> observations;
            for (const Finished &r : finishedRequests()) {
                const double value = duration ? r.latency : r.ttfb;
                if (r.model == model && r.provider == provider && value >= 0)
                    observations.append(value);
            }
            const QString row =
                (duration ? u"duration "_s : u"first token "_s) + model + u' ' + provider;
            QTest::newRow(qPrintable(row)) << family << model << provider << observations;
        }
    }
}

void TestMetrics::histograms()
{
    QFETCH(QString, family);
    QFETCH(QString, model);
    QFETCH(QString, provider);
    QFETCH(QList<double>, observations);

    const PrometheusText parsed = scriptedText();
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const PromFamily *found = parsed.family(family);
    QVERIFY(found);
    QCOMPARE(found->type, u"histogram"_s);
    const QString problem = histogramProblem(*found);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const PromLabels series = labels({{u"model"_s, model}, {u"provider"_s, provider}});
    const std::optional<double> count = parsed.value(family + u"_count"_s, series);
    if (observations.isEmpty()) {
        QVERIFY(!count);
        return;
    }
    QVERIFY(count);
    QCOMPARE(*count, double(observations.size()));

    double sum = 0;
    for (double value : observations)
        sum += value;
    const std::optional<double> renderedSum = parsed.value(family + u"_sum"_s, series);
    QVERIFY(renderedSum);
    QVERIFY2(qFuzzyCompare(*renderedSum, sum),
             qPrintable(QString::number(*renderedSum) + u" != "_s + QString::number(sum)));

    // Each bucket holds exactly the observations at or below its bound.
    QList<double> bounds = GatewayMetrics::latencyBuckets();
    bounds.append(std::numeric_limits<double>::infinity());
    for (double bound : bounds) {
        PromLabels bucket = series;
        bucket.insert(u"le"_s, QString::fromUtf8(formatPrometheusNumber(bound)));
        const std::optional<double> rendered = parsed.value(family + u"_bucket"_s, bucket);
        QVERIFY2(rendered, qPrintable(u"no bucket le="_s + bucket.value(u"le"_s)));
        const auto expected = std::count_if(observations.cbegin(), observations.cend(),
                                            [bound](double value) { return value <= bound; });
        QCOMPARE(*rendered, double(expected));
    }
    // The +Inf bucket is the count.
    PromLabels inf = series;
    inf.insert(u"le"_s, u"+Inf"_s);
    QCOMPARE(parsed.value(family + u"_bucket"_s, inf), count);
}

void TestMetrics::bucketBoundsAreInclusive_data()
{
    QTest::addColumn<double>("observed");
    QTest::addColumn<QList<double>>("cumulative"); // le = 1, 2.5, 10, +Inf
    QTest::addColumn<double>("count");

    QTest::newRow("below all") << -3.0 << QList<double>{1, 1, 1, 1} << 1.0;
    QTest::newRow("zero") << 0.0 << QList<double>{1, 1, 1, 1} << 1.0;
    QTest::newRow("on first bound") << 1.0 << QList<double>{1, 1, 1, 1} << 1.0;
    QTest::newRow("just above first") << 1.0000001 << QList<double>{0, 1, 1, 1} << 1.0;
    QTest::newRow("on a fraction") << 2.5 << QList<double>{0, 1, 1, 1} << 1.0;
    QTest::newRow("on last bound") << 10.0 << QList<double>{0, 0, 1, 1} << 1.0;
    QTest::newRow("past last bound") << 11.0 << QList<double>{0, 0, 0, 1} << 1.0;
    QTest::newRow("infinity") << std::numeric_limits<double>::infinity()
                              << QList<double>{0, 0, 0, 1} << 1.0;
    QTest::newRow("NaN is ignored")
        << std::numeric_limits<double>::quiet_NaN() << QList<double>{0, 0, 0, 0} << 0.0;
}

void TestMetrics::bucketBoundsAreInclusive()
{
    QFETCH(double, observed);
    QFETCH(QList<double>, cumulative);
    QFETCH(double, count);

    MetricRegistry registry;
    HistogramFamily &histogram = registry.histogram(u"h_seconds"_s, u"h"_s, {}, {1, 2.5, 10});
    histogram.observe({}, observed);
    const PrometheusText parsed = PrometheusText::parse(registry.render());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const PromFamily *family = parsed.family(u"h_seconds"_s);
    QVERIFY(family);
    QVERIFY2(histogramProblem(*family).isEmpty(), qPrintable(histogramProblem(*family)));
    const QStringList les = {u"1"_s, u"2.5"_s, u"10"_s, u"+Inf"_s};
    for (qsizetype i = 0; i < les.size(); ++i)
        QCOMPARE(parsed.value(u"h_seconds_bucket"_s, labels({{u"le"_s, les[i]}})), cumulative[i]);
    QCOMPARE(parsed.value(u"h_seconds_count"_s), count);
}

void TestMetrics::bucketsAreSanitised()
{
    MetricRegistry registry;
    const double inf = std::numeric_limits<double>::infinity();
    HistogramFamily &histogram = registry.histogram(
        u"h"_s, u"h"_s, {u"a"_s}, {10, 1, inf, 1, std::numeric_limits<double>::quiet_NaN(), 2.5});
    QCOMPARE(histogram.upperBounds(), (QList<double>{1, 2.5, 10}));
    histogram.observe({u"x"_s}, 2);
    const PrometheusText parsed = PrometheusText::parse(registry.render());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QStringList les;
    for (const PromSample &sample : parsed.family(u"h"_s)->samples) {
        if (sample.name == "h_bucket"_L1)
            les.append(sample.labels.value(u"le"_s));
    }
    QCOMPARE(les, (QStringList{u"1"_s, u"2.5"_s, u"10"_s, u"+Inf"_s}));
    QVERIFY(histogramProblem(*parsed.family(u"h"_s)).isEmpty());
}

void TestMetrics::streamsInFlight_data()
{
    QTest::addColumn<QString>("events"); // + started, - ended
    QTest::addColumn<QList<double>>("after");

    QTest::newRow("up") << u"+++"_s << QList<double>{1, 2, 3};
    QTest::newRow("up and down") << u"++-+--"_s << QList<double>{1, 2, 1, 2, 1, 0};
    QTest::newRow("end without start") << u"-+"_s << QList<double>{0, 1};
    QTest::newRow("more ends than starts") << u"+---+"_s << QList<double>{1, 0, 0, 0, 1};
}

void TestMetrics::streamsInFlight()
{
    QFETCH(QString, events);
    QFETCH(QList<double>, after);

    GatewayMetrics metrics;
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events[i] == u'+')
            metrics.streamStarted();
        else
            metrics.streamEnded();
        const PrometheusText parsed = PrometheusText::parse(metrics.render());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QCOMPARE(parsed.value(u"onegate_streams_in_flight"_s), after[i]);
    }
}

void TestMetrics::openBreakers()
{
    GatewayMetrics metrics;
    const QList<std::pair<int, double>> steps = {{3, 3}, {5, 5}, {1, 1}, {0, 0}, {-2, 0}};
    for (const auto &[set, expected] : steps) {
        metrics.setOpenBreakers(set);
        const PrometheusText parsed = PrometheusText::parse(metrics.render());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        QCOMPARE(parsed.value(u"onegate_open_circuit_breakers"_s), expected);
    }
}

void TestMetrics::genericGauge()
{
    // The generic gauge has no floor: a temperature or a balance may go negative.
    MetricRegistry registry;
    GaugeFamily &gauge = registry.gauge(u"g"_s, u"g"_s, {u"k"_s});
    gauge.add({u"a"_s}, 2.5);
    gauge.add({u"a"_s}, -4);
    gauge.set({u"b"_s}, 7);
    gauge.add({u"b"_s}, 1);
    QCOMPARE(gauge.value({u"a"_s}), -1.5);
    const PrometheusText parsed = PrometheusText::parse(registry.render());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value(u"g"_s, labels({{u"k"_s, u"a"_s}})), -1.5);
    QCOMPARE(parsed.value(u"g"_s, labels({{u"k"_s, u"b"_s}})), 8.0);
}

void TestMetrics::labelEscaping_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("escaped"); // as it must appear between the quotes

    QTest::newRow("plain") << u"gpt-4o"_s << QByteArray("gpt-4o");
    QTest::newRow("empty") << QString() << QByteArray();
    QTest::newRow("backslash") << u"a\\b"_s << QByteArray("a\\\\b");
    QTest::newRow("trailing backslash") << u"x\\"_s << QByteArray("x\\\\");
    QTest::newRow("quote") << u"say \"hi\""_s << QByteArray("say \\\"hi\\\"");
    QTest::newRow("newline") << u"two\nlines"_s << QByteArray("two\\nlines");
    QTest::newRow("backslash n, not a newline") << u"a\\nb"_s << QByteArray("a\\\\nb");
    QTest::newRow("all three") << u"\\\"\n"_s << QByteArray("\\\\\\\"\\n");
    QTest::newRow("syntax inside") << u"a},b=\"c\",d{"_s << QByteArray("a},b=\\\"c\\\",d{");
    QTest::newRow("tab and spaces kept") << u" \t "_s << QByteArray(" \t ");
    QTest::newRow("non-ascii") << u"模型-ü"_s << QByteArray("模型-ü");
}

void TestMetrics::labelEscaping()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, escaped);

    MetricRegistry registry;
    registry.counter(u"c_total"_s, u"c"_s, {u"model"_s, u"provider"_s}).inc({value, u"p"_s}, 3);
    const QByteArray text = registry.render();
    const QByteArray line = "c_total{model=\"" + escaped + "\",provider=\"p\"} 3\n";
    QVERIFY2(text.contains(line), text.constData());
    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value(u"c_total"_s, labels({{u"model"_s, value}, {u"provider"_s, u"p"_s}})),
             3.0);

    // And through GatewayMetrics, where model names come from clients' configs.
    GatewayMetrics metrics;
    metrics.requestFinished(value, value, 200, 0.5, 0.1);
    const PrometheusText gateway = PrometheusText::parse(metrics.render());
    QVERIFY2(gateway.ok(), qPrintable(gateway.error));
    QCOMPARE(gateway.value(
                 u"onegate_requests_total"_s,
                 labels({{u"model"_s, value}, {u"provider"_s, value}, {u"status"_s, u"200"_s}})),
             1.0);
    PromLabels bucket = labels({{u"model"_s, value}, {u"provider"_s, value}, {u"le"_s, u"0.5"_s}});
    QCOMPARE(gateway.value(u"onegate_request_duration_seconds_bucket"_s, bucket), 1.0);
}

void TestMetrics::helpEscaping()
{
    MetricRegistry registry;
    registry.gauge(u"g"_s, u"C:\\temp \"quoted\"\nsecond line"_s);
    const QByteArray text = registry.render();
    // Quotes stay as they are in HELP; only backslash and newline are escaped.
    QVERIFY2(text.startsWith("# HELP g C:\\\\temp \"quoted\"\\nsecond line\n# TYPE g gauge\n"),
             text.constData());
    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.family(u"g"_s)->help, u"C:\\temp \"quoted\"\nsecond line"_s);
}

void TestMetrics::stableOrder()
{
    // Same events, different order: byte-identical output, families and series sorted.
    GatewayMetrics forward;
    playScript(forward);
    GatewayMetrics backward;
    QList<Finished> reversed = finishedRequests();
    std::reverse(reversed.begin(), reversed.end());
    backward.streamStarted();
    backward.streamStarted();
    backward.setOpenBreakers(1);
    backward.cacheMiss(u"claude-sonnet"_s);
    backward.cacheMiss(u"gpt-4o"_s);
    for (int i = 0; i < 3; ++i)
        backward.cacheHit(u"gpt-4o"_s);
    backward.failover(u"openai"_s);
    backward.retry(u"openai"_s);
    backward.retry(u"openai"_s);
    backward.upstreamError(u"anthropic"_s, u"timeout"_s);
    backward.upstreamError(u"openai"_s, u"status_429"_s);
    backward.upstreamError(u"openai"_s, u"status_429"_s);
    backward.tokens(u"claude-sonnet"_s, u"anthropic"_s, usage(1000, 500, 800, 200));
    backward.tokens(u"gpt-4o"_s, u"openai"_s, usage(150, 50, 40, 10));
    for (const Finished &r : reversed)
        backward.requestFinished(r.model, r.provider, r.status, r.latency, r.ttfb);

    const QByteArray text = forward.render();
    QCOMPARE(forward.render(), text);
    // Sums may differ in the last bit when added in another order; compare all else.
    const auto withoutSums = [](const QByteArray &exposition) {
        QList<QByteArray> lines = exposition.split('\n');
        lines.removeIf([](const QByteArray &line) { return line.contains("_sum{"); });
        return lines;
    };
    QCOMPARE(withoutSums(backward.render()), withoutSums(text));

    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QStringList names;
    for (const PromFamily &family : parsed.families)
        names.append(family.name);
    QStringList sorted = names;
    sorted.sort();
    QCOMPARE(names, sorted);

    // Series within a family follow their label values, whatever the insertion order.
    MetricRegistry registry;
    CounterFamily &counter = registry.counter(u"c_total"_s, u"c"_s, {u"a"_s, u"b"_s});
    for (const QString &a : {u"z"_s, u"m"_s, u"a"_s})
        for (const QString &b : {u"2"_s, u"10"_s, u"1"_s})
            counter.inc({a, b});
    const PrometheusText small = PrometheusText::parse(registry.render());
    QVERIFY2(small.ok(), qPrintable(small.error));
    QStringList order;
    for (const PromSample &sample : small.family(u"c_total"_s)->samples)
        order.append(sample.labels.value(u"a"_s) + sample.labels.value(u"b"_s));
    QCOMPARE(order, (QStringList{u"a1"_s, u"a10"_s, u"a2"_s, u"m1"_s, u"m10"_s, u"m2"_s, u"z1"_s,
                                 u"z10"_s, u"z2"_s}));
}

void TestMetrics::numberFormatting_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("0");
    QTest::newRow("one") << 1.0 << QByteArray("1");
    QTest::newRow("negative integer") << -7.0 << QByteArray("-7");
    QTest::newRow("large count") << 1e15 << QByteArray("1000000000000000");
    QTest::newRow("2^53") << 9007199254740992.0 << QByteArray("9007199254740992");
    QTest::newRow("tokens") << 123456789012.0 << QByteArray("123456789012");
    QTest::newRow("tenth") << 0.1 << QByteArray("0.1");
    QTest::newRow("bucket bound") << 0.005 << QByteArray("0.005");
    QTest::newRow("fraction") << 2.5 << QByteArray("2.5");
    QTest::newRow("third") << 1.0 / 3 << QByteArray("0.3333333333333333");
    QTest::newRow("sum of tenths") << 0.1 + 0.2 << QByteArray("0.30000000000000004");
    QTest::newRow("tiny") << 2.5e-7 << QByteArray("2.5e-07");
    QTest::newRow("huge") << 1e20 << QByteArray("1e+20");
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void TestMetrics::numberFormatting()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);

    QCOMPARE(formatPrometheusNumber(value), text);
    // Read back, it is the same double.
    const PrometheusText parsed = PrometheusText::parse(QByteArray("x " + text + '\n'));
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const double back = *parsed.value(u"x"_s);
    if (std::isnan(value))
        QVERIFY(std::isnan(back));
    else
        QCOMPARE(back, value == 0 ? 0.0 : value);
}

void TestMetrics::registrationMistakes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("labelNames");
    QTest::addColumn<QString>("problem");

    QTest::newRow("name with a dash")
        << u"counter"_s << u"bad-name"_s << QStringList() << u"invalid metric name"_s;
    QTest::newRow("name starting with a digit")
        << u"gauge"_s << u"1x"_s << QStringList() << u"invalid metric name"_s;
    QTest::newRow("reserved label")
        << u"counter"_s << u"x_total"_s << QStringList{u"__a"_s} << u"invalid label name"_s;
    QTest::newRow("label with a colon")
        << u"gauge"_s << u"y"_s << QStringList{u"a:b"_s} << u"invalid label name"_s;
    QTest::newRow("label twice") << u"counter"_s << u"x_total"_s << QStringList{u"a"_s, u"a"_s}
                                 << u"given twice"_s;
    QTest::newRow("le on a histogram")
        << u"histogram"_s << u"h"_s << QStringList{u"le"_s} << u"\"le\" label"_s;
    QTest::newRow("name taken") << u"gauge"_s << u"existing"_s << QStringList()
                                << u"already registered"_s;
}

void TestMetrics::registrationMistakes()
{
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(QStringList, labelNames);
    QFETCH(QString, problem);

    // A mistake costs one family, never the whole exposition, and never a crash.
    MetricRegistry registry;
    registry.counter(u"existing"_s, u"kept"_s).inc({}, 2);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(u"^metrics: "_s + QRegularExpression::escape(name) +
                                            u" is not exported: .*"_s +
                                            QRegularExpression::escape(problem)));
    QStringList values;
    for (qsizetype i = 0; i < labelNames.size(); ++i)
        values.append(u"v"_s);
    if (kind == "counter"_L1)
        registry.counter(name, u"h"_s, labelNames).inc(values);
    else if (kind == "gauge"_L1)
        registry.gauge(name, u"h"_s, labelNames).set(values, 5);
    else
        registry.histogram(name, u"h"_s, labelNames, {1}).observe(values, 0.5);

    const PrometheusText parsed = PrometheusText::parse(registry.render());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.families.size(), 1);
    QCOMPARE(parsed.families.first().name, u"existing"_s);
    QCOMPARE(parsed.families.first().type, u"counter"_s);
    QCOMPARE(parsed.value(u"existing"_s), 2.0);
}

void TestMetrics::parserAccepts_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<PromLabels>("labels"); // of sample "a"
    QTest::addColumn<double>("value");

    QTest::newRow("plain") << QByteArray("a 1\n") << PromLabels() << 1.0;
    QTest::newRow("comments and blank lines")
        << QByteArray("# a comment\n\n#\n   \na 2\n\n") << PromLabels() << 2.0;
    QTest::newRow("timestamp") << QByteArray("a 3 1700000000000\n") << PromLabels() << 3.0;
    QTest::newRow("negative timestamp") << QByteArray("a 3 -5\n") << PromLabels() << 3.0;
    QTest::newRow("tabs and spaces") << QByteArray("a{ x = \"1\" ,\ty=\"2\" }\t 4 \n")
                                     << labels({{u"x"_s, u"1"_s}, {u"y"_s, u"2"_s}}) << 4.0;
    QTest::newRow("trailing comma")
        << QByteArray("a{x=\"1\",} 5\n") << labels({{u"x"_s, u"1"_s}}) << 5.0;
    QTest::newRow("empty label set") << QByteArray("a{} 6\n") << PromLabels() << 6.0;
    QTest::newRow("exponent") << QByteArray("a 1.5e3\n") << PromLabels() << 1500.0;
    QTest::newRow("leading dot") << QByteArray("a .5\n") << PromLabels() << 0.5;
    QTest::newRow("+Inf") << QByteArray("a +Inf\n") << PromLabels()
                          << std::numeric_limits<double>::infinity();
    QTest::newRow("colon in name and TYPE, HELP in either order")
        << QByteArray("# TYPE a gauge\n# HELP a some help\na 7\n# TYPE b:c counter\nb:c 1\n")
        << PromLabels() << 7.0;
    QTest::newRow("HELP only") << QByteArray("# HELP a text with \"quotes\"\na 8\n") << PromLabels()
                               << 8.0;
}

void TestMetrics::parserAccepts()
{
    QFETCH(QByteArray, text);
    QFETCH(PromLabels, labels);
    QFETCH(double, value);

    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    QCOMPARE(parsed.value(u"a"_s, labels), value);
    QVERIFY(parsed.family(u"a"_s));
}

void TestMetrics::parserRejects_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line"); // 0: the text as a whole
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const char *text, int line, const QString &message) {
        QTest::newRow(name) << QByteArray(text) << line << message;
    };
    row("no final line feed", "a 1", 0, u"does not end with a line feed"_s);
    row("not UTF-8", "a{x=\"\xff\"} 1\n", 0, u"not valid UTF-8"_s);
    row("no value", "a\n", 1, u"sample a has no value"_s);
    row("word for a value", "a one\n", 1, u"invalid value \"one\""_s);
    row("decimal comma", "a 1,5\n", 1, u"invalid value \"1,5\""_s);
    row("hex value", "a 0x10\n", 1, u"invalid value \"0x10\""_s);
    row("name starts with a digit", "1a 1\n", 1, u"expected a metric name"_s);
    row("no blank before the value", "a{x=\"1\"}1\n", 1, u"expected a blank before the value"_s);
    row("unterminated label value", "a{x=\"1} 1\n", 1, u"not closed with '\"'"_s);
    row("unquoted label value", "a{x=1} 1\n", 1, u"expected '\"' to open"_s);
    row("no '=' after label", "a{x \"1\"} 1\n", 1, u"expected '=' after label \"x\""_s);
    row("label set not closed", "a{x=\"1\" 1\n", 1, u"expected ',' or '}'"_s);
    row("label set cut off", "a{x=\"1\",\n", 1, u"label set not closed"_s);
    row("bad label name", "a{-x=\"1\"} 1\n", 1, u"expected a label name"_s);
    row("tab escape", "a{x=\"\\t\"} 1\n", 1, u"invalid escape \"\\t\""_s);
    row("label twice", "a{x=\"1\",x=\"2\"} 1\n", 1, u"label \"x\" given twice"_s);
    row("series twice", "a{x=\"1\"} 1\nb 1\n", 0, QString()); // control: valid
    row("same series twice", "a{x=\"1\"} 1\na{x=\"1\"} 2\n", 2,
        u"series a{x=\"1\"} given twice (first on line 1)"_s);
    row("bad timestamp", "a 1 12.5\n", 1, u"invalid timestamp \"12.5\""_s);
    row("text after timestamp", "a 1 12 x\n", 1, u"unexpected text after the timestamp"_s);
    row("unknown type", "# TYPE a countr\n", 1, u"unknown metric type \"countr\""_s);
    row("TYPE without type", "# TYPE a\n", 1, u"unknown metric type \"\""_s);
    row("TYPE without name", "# TYPE\n", 1, u"TYPE line without a metric name"_s);
    row("bad name in HELP", "# HELP a-b text\n", 1, u"invalid metric name in HELP line"_s);
    row("second TYPE", "# TYPE a counter\n# TYPE a counter\n", 2, u"second TYPE line for a"_s);
    row("second HELP", "# HELP a x\n# TYPE a gauge\n# HELP a y\n", 3, u"second HELP line for a"_s);
    row("TYPE after samples", "a 1\n# TYPE a gauge\n", 2, u"TYPE line for a after its samples"_s);
    row("HELP escape", "# HELP a x\\qy\n", 1, u"invalid escape \"\\q\" in HELP text of a"_s);
    row("family split by samples", "# TYPE a counter\na 1\nb 1\na{x=\"1\"} 2\n", 4,
        u"sample a away from the rest of family a"_s);
    row("family split by headers", "# TYPE a gauge\n# TYPE b gauge\n# HELP a x\n", 3,
        u"HELP line for a away from the rest of its family"_s);
    row("bucket without le", "# TYPE h histogram\nh_bucket 1\n", 2,
        u"bucket h_bucket has no \"le\" label"_s);
    row("bucket with bad le", "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", 2,
        u"has an invalid \"le\""_s);
    row("le on a count", "# TYPE h histogram\nh_count{le=\"1\"} 1\n", 2,
        u"\"le\" label outside a bucket"_s);
    row("bare histogram sample", "# TYPE h histogram\nh 1\n", 2,
        u"expected _bucket, _sum or _count"_s);
    row("negative counter", "# TYPE c counter\nc -1\n", 2, u"is not a non-negative number"_s);
    row("NaN counter", "# TYPE c counter\nc NaN\n", 2, u"is not a non-negative number"_s);
}

void TestMetrics::parserRejects()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, message);

    const PrometheusText parsed = PrometheusText::parse(text);
    if (message.isEmpty()) {
        QVERIFY2(parsed.ok(), qPrintable(parsed.error));
        return;
    }
    QVERIFY(!parsed.ok());
    QVERIFY(parsed.families.isEmpty());
    const QString prefix = line > 0 ? u"line "_s + QString::number(line) + u": "_s : QString();
    QVERIFY2(parsed.error.startsWith(prefix), qPrintable(parsed.error));
    QVERIFY2(parsed.error.contains(message), qPrintable(parsed.error));
}

void TestMetrics::histogramChecker_data()
{
    // The histogram tests rest on histogramProblem(); it must see what is wrong.
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("problem"); // empty: consistent

    const QByteArray head = "# TYPE h histogram\n";
    QTest::newRow("consistent")
        << head + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n"
        << QString();
    QTest::newRow("consistent, two series")
        << head +
               "h_bucket{a=\"x\",le=\"1\"} 0\nh_bucket{a=\"x\",le=\"+Inf\"} 0\nh_sum{a=\"x\"} 0\n"
               "h_count{a=\"x\"} 0\nh_bucket{a=\"y\",le=\"+Inf\"} 1\nh_sum{a=\"y\"} 4\n"
               "h_count{a=\"y\"} 1\n"
        << QString();
    QTest::newRow("not cumulative")
        << head + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"
        << u"is not a cumulative count"_s;
    QTest::newRow("bounds out of order")
        << head + "h_bucket{le=\"2\"} 0\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\n"
                  "h_count 0\n"
        << u"does not follow a smaller bound"_s;
    QTest::newRow("no +Inf") << head + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"
                             << u"the last bucket is not le=\"+Inf\""_s;
    QTest::newRow("+Inf differs from count")
        << head + "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"
        << u"differs from _count"_s;
    QTest::newRow("no sum") << head + "h_bucket{le=\"+Inf\"} 1\nh_count 1\n"
                            << u"expected one _sum and one _count"_s;
    QTest::newRow("sum without observations")
        << head + "h_bucket{le=\"+Inf\"} 0\nh_sum 2\nh_count 0\n"
        << u"_sum is not 0"_s;
    QTest::newRow("fractional count") << head + "h_bucket{le=\"+Inf\"} 0.5\nh_sum 2\nh_count 0.5\n"
                                      << u"is not a cumulative count"_s;
}

void TestMetrics::histogramChecker()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, problem);

    const PrometheusText parsed = PrometheusText::parse(text);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error));
    const QString found = histogramProblem(*parsed.family(u"h"_s));
    if (problem.isEmpty())
        QVERIFY2(found.isEmpty(), qPrintable(found));
    else
        QVERIFY2(found.contains(problem), qPrintable(found));
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
