#include "PrometheusText.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringDecoder>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace onegate::test {

namespace {

const QStringList kTypes = {u"counter"_s, u"gauge"_s, u"histogram"_s, u"summary"_s, u"untyped"_s};

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// What Go's strconv.ParseFloat (Prometheus' parser) takes, minus hex and underscores,
// which no exposition uses.
std::optional<double> parseNumber(const QString &token)
{
    const QString lower = token.toLower();
    if (lower == "nan"_L1)
        return std::numeric_limits<double>::quiet_NaN();
    for (const QString &inf : {u"inf"_s, u"infinity"_s}) {
        if (lower == inf || lower == u'+' + inf)
            return std::numeric_limits<double>::infinity();
        if (lower == u'-' + inf)
            return -std::numeric_limits<double>::infinity();
    }
    static const QRegularExpression decimal(
        QStringLiteral("^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$"));
    if (!decimal.match(token).hasMatch())
        return std::nullopt;
    bool ok = false;
    const double value = token.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

QString describe(const QString &name, const PromLabels &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts.append(it.key() + u"=\"" + it.value() + u'"');
    return parts.isEmpty() ? name : name + u'{' + parts.join(u',') + u'}';
}

// One line, read left to right.
class Cursor final {
public:
    explicit Cursor(const QString &line)
        : m_line(line)
    {
    }

    bool atEnd() const { return m_pos >= m_line.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_line[m_pos]; }
    QChar take() { return atEnd() ? QChar() : m_line[m_pos++]; }
    void skipBlanks()
    {
        while (!atEnd() && isBlank(m_line[m_pos]))
            ++m_pos;
    }
    // [a-zA-Z_:][a-zA-Z0-9_:]* for metrics, the same without ':' for labels; empty if none.
    QString name(bool colons)
    {
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const QChar c = m_line[m_pos];
            const bool fits = isAsciiLetter(c) || c == u'_' || (colons && c == u':') ||
                              (m_pos > start && isAsciiDigit(c));
            if (!fits)
                break;
            ++m_pos;
        }
        return m_line.mid(start, m_pos - start);
    }
    QString token()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && !isBlank(m_line[m_pos]))
            ++m_pos;
        return m_line.mid(start, m_pos - start);
    }
    QString rest()
    {
        const QString text = m_line.mid(m_pos);
        m_pos = m_line.size();
        return text;
    }

private:
    const QString &m_line;
    qsizetype m_pos = 0;
};

class Parser final {
public:
    PrometheusText run(QByteArrayView text);

private:
    QString line(const QString &text);
    QString comment(Cursor &cursor);
    QString declare(const QString &name, bool type, const QString &value);
    QString sample(Cursor &cursor);
    QString labels(Cursor &cursor, PromLabels &out);
    QString familyFor(const QString &sampleName, qsizetype &index);

    QList<PromFamily> m_families;
    QHash<QString, qsizetype> m_index;
    qsizetype m_current = -1; // the family the previous line belonged to
    int m_lineNumber = 0;
};

PrometheusText Parser::run(QByteArrayView text)
{
    PrometheusText result;
    const auto fail = [&](int lineNumber, const QString &message) {
        result.error =
            lineNumber > 0 ? u"line "_s + QString::number(lineNumber) + u": "_s + message : message;
        return result;
    };
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(text);
    if (decoder.hasError())
        return fail(0, u"the text is not valid UTF-8"_s);
    if (!decoded.isEmpty() && !decoded.endsWith(u'\n'))
        return fail(0, u"the text does not end with a line feed"_s);
    QStringList lines = decoded.split(u'\n');
    lines.removeLast(); // after the final line feed
    for (const QString &lineText : std::as_const(lines)) {
        ++m_lineNumber;
        if (const QString problem = line(lineText); !problem.isEmpty())
            return fail(m_lineNumber, problem);
    }
    result.families = m_families;
    return result;
}

QString Parser::line(const QString &text)
{
    Cursor cursor(text);
    cursor.skipBlanks();
    if (cursor.atEnd())
        return {};
    if (cursor.peek() == u'#') {
        cursor.take();
        return comment(cursor);
    }
    return sample(cursor);
}

QString Parser::comment(Cursor &cursor)
{
    cursor.skipBlanks();
    const QString keyword = cursor.token();
    if (keyword != "HELP"_L1 && keyword != "TYPE"_L1)
        return {}; // an ordinary comment
    cursor.skipBlanks();
    const QString name = cursor.name(true);
    if (name.isEmpty())
        return keyword + u" line without a metric name"_s;
    if (!cursor.atEnd() && !isBlank(cursor.peek()))
        return u"invalid metric name in "_s + keyword + u" line: \""_s + name + cursor.rest() +
               u'"';
    cursor.skipBlanks();
    if (keyword == "TYPE"_L1) {
        const QString type = cursor.rest().trimmed();
        if (!kTypes.contains(type))
            return u"unknown metric type \""_s + type + u"\" for "_s + name;
        return declare(name, true, type);
    }
    // HELP text escapes only backslash and line feed.
    QString help;
    while (!cursor.atEnd()) {
        const QChar c = cursor.take();
        if (c != u'\\') {
            help += c;
            continue;
        }
        const QChar escaped = cursor.take();
        if (escaped == u'\\')
            help += u'\\';
        else if (escaped == u'n')
            help += u'\n';
        else
            return u"invalid escape \"\\"_s + escaped + u"\" in HELP text of "_s + name;
    }
    return declare(name, false, help);
}

QString Parser::declare(const QString &name, bool type, const QString &value)
{
    const QString keyword = type ? u"TYPE"_s : u"HELP"_s;
    qsizetype index = m_index.value(name, -1);
    if (index < 0) {
        index = m_families.size();
        PromFamily family;
        family.name = name;
        m_families.append(family);
        m_index.insert(name, index);
    } else if (index != m_current) {
        return keyword + u" line for "_s + name +
               u" away from the rest of its family (a family's lines must be together)"_s;
    }
    PromFamily &family = m_families[index];
    if (type ? family.hasType : family.hasHelp)
        return u"second "_s + keyword + u" line for "_s + name;
    if (!family.samples.isEmpty())
        return keyword + u" line for "_s + name + u" after its samples"_s;
    if (type) {
        family.type = value;
        family.hasType = true;
    } else {
        family.help = value;
        family.hasHelp = true;
    }
    m_current = index;
    return {};
}

QString Parser::labels(Cursor &cursor, PromLabels &out)
{
    cursor.take(); // '{'
    for (;;) {
        cursor.skipBlanks();
        if (cursor.peek() == u'}') {
            cursor.take();
            return {};
        }
        if (cursor.atEnd())
            return u"label set not closed with '}'"_s;
        const QString name = cursor.name(false);
        if (name.isEmpty())
            return u"expected a label name, found \""_s + cursor.rest() + u'"';
        if (out.contains(name))
            return u"label \""_s + name + u"\" given twice"_s;
        cursor.skipBlanks();
        if (cursor.take() != u'=')
            return u"expected '=' after label \""_s + name + u'"';
        cursor.skipBlanks();
        if (cursor.take() != u'"')
            return u"expected '\"' to open the value of label \""_s + name + u'"';
        QString value;
        for (;;) {
            if (cursor.atEnd())
                return u"value of label \""_s + name + u"\" not closed with '\"'"_s;
            const QChar c = cursor.take();
            if (c == u'"')
                break;
            if (c != u'\\') {
                value += c;
                continue;
            }
            const QChar escaped = cursor.take();
            if (escaped == u'\\' || escaped == u'"')
                value += escaped;
            else if (escaped == u'n')
                value += u'\n';
            else
                return u"invalid escape \"\\"_s + escaped + u"\" in the value of label \""_s +
                       name + u'"';
        }
        out.insert(name, value);
        cursor.skipBlanks();
        const QChar next = cursor.take();
        if (next == u'}')
            return {};
        if (next != u',')
            return u"expected ',' or '}' after label \""_s + name + u'"';
    }
}

QString Parser::familyFor(const QString &sampleName, qsizetype &index)
{
    index = -1;
    for (const QString &suffix : {u"_bucket"_s, u"_sum"_s, u"_count"_s}) {
        if (!sampleName.endsWith(suffix))
            continue;
        const qsizetype base = m_index.value(sampleName.chopped(suffix.size()), -1);
        if (base < 0)
            continue;
        const QString &type = m_families[base].type;
        if (type == "histogram"_L1 || (type == "summary"_L1 && suffix != "_bucket"_L1))
            index = base;
    }
    if (index < 0) {
        index = m_index.value(sampleName, -1);
        if (index >= 0 && m_families[index].type == "histogram"_L1)
            return u"sample "_s + sampleName + u" in histogram "_s + sampleName +
                   u": expected _bucket, _sum or _count"_s;
    }
    if (index < 0) {
        index = m_families.size();
        PromFamily family;
        family.name = sampleName;
        m_families.append(family);
        m_index.insert(sampleName, index);
    } else if (index != m_current) {
        return u"sample "_s + sampleName + u" away from the rest of family "_s +
               m_families[index].name + u" (a family's lines must be together)"_s;
    }
    m_current = index;
    return {};
}

QString Parser::sample(Cursor &cursor)
{
    PromSample sample;
    sample.line = m_lineNumber;
    sample.name = cursor.name(true);
    if (sample.name.isEmpty())
        return u"expected a metric name, found \""_s + cursor.rest() + u'"';
    if (cursor.peek() == u'{') {
        if (const QString problem = labels(cursor, sample.labels); !problem.isEmpty())
            return problem;
    }
    if (cursor.atEnd())
        return u"sample "_s + sample.name + u" has no value"_s;
    if (!isBlank(cursor.peek()))
        return u"expected a blank before the value of "_s + sample.name + u", found \""_s +
               cursor.rest() + u'"';
    cursor.skipBlanks();
    const QString valueText = cursor.token();
    const std::optional<double> value = parseNumber(valueText);
    if (!value)
        return u"invalid value \""_s + valueText + u"\" for "_s + sample.name;
    sample.value = *value;
    cursor.skipBlanks();
    if (!cursor.atEnd()) {
        const QString stamp = cursor.token();
        bool ok = false;
        sample.timestampMs = stamp.toLongLong(&ok);
        if (!ok)
            return u"invalid timestamp \""_s + stamp + u"\" for "_s + sample.name;
        cursor.skipBlanks();
        if (!cursor.atEnd())
            return u"unexpected text after the timestamp of "_s + sample.name + u": \""_s +
                   cursor.rest() + u'"';
    }

    qsizetype index = -1;
    if (const QString problem = familyFor(sample.name, index); !problem.isEmpty())
        return problem;
    PromFamily &family = m_families[index];
    const QString series = describe(sample.name, sample.labels);
    if (family.type == "histogram"_L1) {
        const bool bucket = sample.name.endsWith("_bucket"_L1);
        if (bucket && !sample.labels.contains(u"le"_s))
            return u"bucket "_s + series + u" has no \"le\" label"_s;
        if (bucket && !parseNumber(sample.labels.value(u"le"_s)))
            return u"bucket "_s + series + u" has an invalid \"le\""_s;
        if (!bucket && sample.labels.contains(u"le"_s))
            return u"\"le\" label outside a bucket: "_s + series;
    }
    if (family.type == "counter"_L1 && !(sample.value >= 0))
        return u"counter "_s + series + u" is not a non-negative number"_s;
    for (const PromSample &earlier : std::as_const(family.samples)) {
        if (earlier.name == sample.name && earlier.labels == sample.labels)
            return u"series "_s + series + u" given twice (first on line "_s +
                   QString::number(earlier.line) + u')';
    }
    family.samples.append(sample);
    return {};
}

} // namespace

PrometheusText PrometheusText::parse(QByteArrayView text)
{
    return Parser().run(text);
}

const PromFamily *PrometheusText::family(const QString &name) const
{
    for (const PromFamily &candidate : families) {
        if (candidate.name == name)
            return &candidate;
    }
    return nullptr;
}

const PromSample *PrometheusText::sample(const QString &name, const PromLabels &labels) const
{
    for (const PromFamily &candidate : families) {
        for (const PromSample &s : candidate.samples) {
            if (s.name == name && s.labels == labels)
                return &s;
        }
    }
    return nullptr;
}

std::optional<double> PrometheusText::value(const QString &name, const PromLabels &labels) const
{
    const PromSample *found = sample(name, labels);
    return found ? std::optional<double>(found->value) : std::nullopt;
}

QString histogramProblem(const PromFamily &family)
{
    if (family.type != "histogram"_L1)
        return family.name + u" is a "_s + family.type + u", not a histogram"_s;
    struct Series {
        QList<const PromSample *> buckets;
        QList<const PromSample *> sums;
        QList<const PromSample *> counts;
    };
    // By label set without `le`, keyed by its text form (QMap has no ordering of its own).
    QMap<QString, Series> bySeries;
    for (const PromSample &s : family.samples) {
        PromLabels labels = s.labels;
        labels.remove(u"le"_s);
        Series &series = bySeries[describe(family.name, labels)];
        if (s.name == family.name + u"_bucket"_s)
            series.buckets.append(&s);
        else if (s.name == family.name + u"_sum"_s)
            series.sums.append(&s);
        else
            series.counts.append(&s);
    }
    for (auto it = bySeries.cbegin(); it != bySeries.cend(); ++it) {
        const QString &where = it.key();
        const Series &series = it.value();
        if (series.sums.size() != 1 || series.counts.size() != 1)
            return where + u": expected one _sum and one _count, found "_s +
                   QString::number(series.sums.size()) + u" and "_s +
                   QString::number(series.counts.size());
        if (series.buckets.isEmpty())
            return where + u": no buckets"_s;
        double previousBound = -std::numeric_limits<double>::infinity();
        double previousCount = 0;
        for (const PromSample *bucket : series.buckets) {
            const double bound = *parseNumber(bucket->labels.value(u"le"_s));
            if (!(bound > previousBound))
                return where + u": le=\""_s + bucket->labels.value(u"le"_s) +
                       u"\" does not follow a smaller bound"_s;
            if (!(bucket->value >= previousCount) || bucket->value != std::floor(bucket->value))
                return where + u": bucket le=\""_s + bucket->labels.value(u"le"_s) +
                       u"\" is not a cumulative count"_s;
            previousBound = bound;
            previousCount = bucket->value;
        }
        if (!std::isinf(previousBound))
            return where + u": the last bucket is not le=\"+Inf\""_s;
        const double count = series.counts.first()->value;
        if (previousCount != count)
            return where + u": the +Inf bucket ("_s + QString::number(previousCount) +
                   u") differs from _count ("_s + QString::number(count) + u')';
        if (count == 0 && series.sums.first()->value != 0)
            return where + u": _sum is not 0 with nothing observed"_s;
    }
    return {};
}

} // namespace onegate::test
