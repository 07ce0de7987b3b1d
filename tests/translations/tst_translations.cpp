// The translation files against the sources they were generated from.
//
// For each committed .ts, lupdate runs over ui/ and app/ into a copy, with the options of
// translations/CMakeLists.txt's update_translations target (-locations relative, plus
// -pluralonly for the English file, whose source text is already English). The copy then
// shows what the sources need: a message still or newly "unfinished", one whose source
// text left the code ("vanished", or "obsolete" in older files), a translation whose
// placeholders differ from its source text.
//
// The committed file must also hold exactly the entries lupdate writes, compared as a set
// of (context, source, comment, plural) rather than byte for byte: a byte comparison would
// fail on every edit that merely moves a tr() call to another line, while the set catches
// what matters, a string added, changed or removed without update_translations.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

namespace {

struct TsMessage
{
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString type;              // the <translation> type: empty, unfinished, vanished, obsolete
    QStringList translations;  // the text, or each <numerusform> of a plural message

    // lupdate's identity of a message, with the plural flag, which a source edit can flip.
    QString key() const
    {
        return context + u'\x1f' + source + u'\x1f' + comment + u'\x1f'
               + (numerus ? u"plural"_s : QString());
    }

    QString describe() const
    {
        QString text = u"[%1] \"%2\""_s.arg(context, QString(source).replace(u'\n', u"\\n"_s));
        if (!comment.isEmpty())
            text += u" (comment: %1)"_s.arg(comment);
        return text;
    }
};

struct TsFile
{
    QString language;
    QList<TsMessage> messages;
    QString error; // set when the file cannot be read or is not well-formed
};

QString readText(QXmlStreamReader &xml)
{
    return xml.readElementText(QXmlStreamReader::IncludeChildElements);
}

void readTranslation(QXmlStreamReader &xml, TsMessage &message)
{
    message.type = xml.attributes().value(u"type"_s).toString();
    if (!message.numerus) {
        message.translations = {readText(xml)};
        return;
    }
    while (xml.readNextStartElement()) {
        if (xml.name() == u"numerusform")
            message.translations.append(readText(xml));
        else
            xml.skipCurrentElement();
    }
}

TsMessage readMessage(QXmlStreamReader &xml, const QString &context)
{
    TsMessage message;
    message.context = context;
    message.numerus = xml.attributes().value(u"numerus"_s) == u"yes";
    while (xml.readNextStartElement()) {
        if (xml.name() == u"source")
            message.source = readText(xml);
        else if (xml.name() == u"comment")
            message.comment = readText(xml);
        else if (xml.name() == u"translation")
            readTranslation(xml, message);
        else
            xml.skipCurrentElement(); // location, extracomment, translatorcomment, oldsource...
    }
    return message;
}

TsFile readTs(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = u"cannot open %1: %2"_s.arg(path, file.errorString());
        return ts;
    }
    QXmlStreamReader xml(&file);
    if (!xml.readNextStartElement() || xml.name() != u"TS") {
        ts.error = u"%1 is not a Qt Linguist file"_s.arg(path);
        return ts;
    }
    ts.language = xml.attributes().value(u"language"_s).toString();
    while (xml.readNextStartElement()) {
        if (xml.name() != u"context") {
            xml.skipCurrentElement();
            continue;
        }
        QString context;
        while (xml.readNextStartElement()) {
            if (xml.name() == u"name")
                context = readText(xml);
            else if (xml.name() == u"message")
                ts.messages.append(readMessage(xml, context));
            else
                xml.skipCurrentElement();
        }
    }
    if (xml.hasError()) {
        ts.error = u"%1, line %2: %3"_s.arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    }
    return ts;
}

// %1..%9 and %n, with Qt's localized %L1 counted as %1: QString::arg() and tr()'s plural
// argument fill them, so a translation that loses or invents one shows the wrong text.
QSet<QString> placeholders(const QString &text)
{
    static const QRegularExpression pattern(u"%L?([1-9n])"_s);
    QSet<QString> found;
    for (const QRegularExpressionMatch &match : pattern.globalMatch(text))
        found.insert(u'%' + match.captured(1));
    return found;
}

QString sorted(const QSet<QString> &set)
{
    QStringList list(set.cbegin(), set.cend());
    list.sort();
    return list.isEmpty() ? u"none"_s : list.join(u' ');
}

// A keyboard mnemonic: '&' before a character other than '&' ("&&" is a literal '&') or
// white space ("Models & API keys" is prose).
bool hasMnemonic(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) == u'&') {
            ++i;
            continue;
        }
        if (!text.at(i + 1).isSpace())
            return true;
    }
    return false;
}

// What a translator still owes, in the file lupdate has just refreshed.
QStringList translationProblems(const TsFile &ts)
{
    QStringList problems;
    for (const TsMessage &message : ts.messages) {
        if (message.type == u"unfinished") {
            problems.append(u"unfinished: "_s + message.describe());
            continue;
        }
        if (message.type == u"vanished" || message.type == u"obsolete") {
            problems.append(message.type + u" (no longer in the sources): "_s
                            + message.describe());
            continue;
        }
        if (!message.type.isEmpty()) {
            problems.append(u"unknown translation type \"%1\": %2"_s.arg(message.type,
                                                                        message.describe()));
            continue;
        }
        if (message.translations.isEmpty()) {
            problems.append(u"no translation: "_s + message.describe());
            continue;
        }
        const QSet<QString> wanted = placeholders(message.source);
        const bool mnemonic = hasMnemonic(message.source);
        for (qsizetype i = 0; i < message.translations.size(); ++i) {
            const QString &text = message.translations.at(i);
            const QString form =
                message.numerus ? u" (plural form %1)"_s.arg(i + 1) : QString();
            if (text.isEmpty()) {
                problems.append(u"empty translation%1: %2"_s.arg(form, message.describe()));
                continue;
            }
            const QSet<QString> got = placeholders(text);
            if (got != wanted) {
                problems.append(u"placeholders differ%1: %2 has %3, the translation \"%4\" has %5"_s
                                    .arg(form, message.describe(), sorted(wanted),
                                         QString(text).replace(u'\n', u"\\n"_s), sorted(got)));
            }
            if (hasMnemonic(text) != mnemonic) {
                problems.append(u"keyboard mnemonic (&) %1 in the translation%2: %3"_s.arg(
                    mnemonic ? u"missing"_s : u"added"_s, form, message.describe()));
            }
        }
    }
    return problems;
}

QSet<QString> activeKeys(const TsFile &ts, QMap<QString, QString> *describe)
{
    QSet<QString> keys;
    for (const TsMessage &message : ts.messages) {
        if (message.type == u"vanished" || message.type == u"obsolete")
            continue;
        keys.insert(message.key());
        describe->insert(message.key(), message.describe());
    }
    return keys;
}

// The committed file against what lupdate writes from the current sources.
QStringList driftProblems(const TsFile &committed, const TsFile &updated)
{
    QMap<QString, QString> describe;
    const QSet<QString> before = activeKeys(committed, &describe);
    const QSet<QString> after = activeKeys(updated, &describe);
    QStringList problems;
    for (const QString &key : after - before)
        problems.append(u"in the sources but not in the committed file: "_s + describe.value(key));
    for (const QString &key : before - after)
        problems.append(u"in the committed file but no longer in the sources: "_s
                        + describe.value(key));
    problems.sort();
    return problems;
}

struct LupdateRun
{
    bool ok = false;
    QString output;
};

LupdateRun runLupdate(const QStringList &sourceDirs, const QString &tsPath, bool pluralOnly)
{
    QStringList arguments{u"-locations"_s, u"relative"_s};
    if (pluralOnly)
        arguments.append(u"-pluralonly"_s);
    arguments.append(sourceDirs);
    arguments.append({u"-ts"_s, tsPath});
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(ONEGATE_LUPDATE), arguments);
    LupdateRun run;
    if (!lupdate.waitForFinished(180'000)) {
        run.output = u"lupdate did not finish: "_s + lupdate.errorString();
        lupdate.kill();
        lupdate.waitForFinished();
        return run;
    }
    run.output = QString::fromLocal8Bit(lupdate.readAll());
    run.ok = lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0;
    return run;
}

// update_translations refreshes the English file with -pluralonly: its source text is
// already English, so only the plural forms need translating.
bool isSourceLanguage(const QString &language)
{
    return language == u"en" || language.startsWith(u"en_");
}

QString report(const QString &heading, const QStringList &problems)
{
    return heading + u":\n  "_s + problems.join(u"\n  "_s);
}

// What lupdate made of one committed file.
struct Refreshed
{
    QString error;
    TsFile committed;
    TsFile updated;
};

Refreshed refresh(const QString &tsPath, const QStringList &sourceDirs, const QString &workDir)
{
    Refreshed result;
    result.committed = readTs(tsPath);
    if (!result.committed.error.isEmpty()) {
        result.error = result.committed.error;
        return result;
    }
    const QString copy = QDir(workDir).filePath(QFileInfo(tsPath).fileName());
    QFile::remove(copy);
    if (!QFile::copy(tsPath, copy) || !QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner)) {
        result.error = u"cannot copy %1 to %2"_s.arg(tsPath, copy);
        return result;
    }
    const LupdateRun run =
        runLupdate(sourceDirs, copy, isSourceLanguage(result.committed.language));
    if (!run.ok) {
        result.error = u"lupdate failed:\n"_s + run.output;
        return result;
    }
    result.updated = readTs(copy);
    result.error = result.updated.error;
    return result;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void checkerCatchesProblems();
    void checkerCatchesDrift();
    void complete_data();
    void complete();
    void placeholdersMatch_data() { complete_data(); }
    void placeholdersMatch();
    void committedMatchesSources_data() { complete_data(); }
    void committedMatchesSources();

private:
    const Refreshed &refreshed();

    QTemporaryDir m_work;
    QStringList m_tsFiles;
    QMap<QString, Refreshed> m_refreshed;
};

void TestTranslations::initTestCase()
{
    QVERIFY2(m_work.isValid(), qPrintable(m_work.errorString()));
    QVERIFY2(QFileInfo(QStringLiteral(ONEGATE_LUPDATE)).isExecutable(),
             "lupdate (Qt6::lupdate) is not available");
    m_tsFiles = QStringLiteral(ONEGATE_TS_FILES).split(u'|', Qt::SkipEmptyParts);
    QVERIFY2(!m_tsFiles.isEmpty(), "no .ts files were given (ONEGATE_TS_FILES)");
    const QString sourceDir = QStringLiteral(ONEGATE_SOURCE_DIR);
    const QStringList sourceDirs{sourceDir + u"/ui"_s, sourceDir + u"/app"_s};
    // lupdate takes a few seconds; each file is refreshed once and every check reads it.
    for (const QString &ts : std::as_const(m_tsFiles))
        m_refreshed.insert(ts, refresh(ts, sourceDirs, m_work.path()));
}

const Refreshed &TestTranslations::refreshed()
{
    QFETCH(QString, tsFile);
    return *m_refreshed.constFind(tsFile);
}

void TestTranslations::complete_data()
{
    QTest::addColumn<QString>("tsFile");
    for (const QString &ts : std::as_const(m_tsFiles))
        QTest::addRow("%s", qPrintable(QFileInfo(ts).fileName())) << ts;
}

void TestTranslations::complete()
{
    const Refreshed &r = refreshed();
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QVERIFY2(!r.updated.language.isEmpty(), "the file names no language");
    QVERIFY2(!r.updated.messages.isEmpty(), "lupdate found no messages");
    QStringList problems;
    for (const QString &problem : translationProblems(r.updated)) {
        if (!problem.startsWith(u"placeholders differ") && !problem.startsWith(u"keyboard"))
            problems.append(problem);
    }
    if (!problems.isEmpty()) {
        QFAIL(qPrintable(report(
            u"%1 message(s) need work (run update_translations, then translate)"_s.arg(
                problems.size()),
            problems)));
    }
}

void TestTranslations::placeholdersMatch()
{
    const Refreshed &r = refreshed();
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QStringList problems;
    for (const QString &problem : translationProblems(r.updated)) {
        if (problem.startsWith(u"placeholders differ") || problem.startsWith(u"keyboard"))
            problems.append(problem);
    }
    if (!problems.isEmpty())
        QFAIL(qPrintable(report(u"translations that do not fit their source"_s, problems)));
}

void TestTranslations::committedMatchesSources()
{
    const Refreshed &r = refreshed();
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    const QStringList problems = driftProblems(r.committed, r.updated);
    if (!problems.isEmpty()) {
        QFAIL(qPrintable(report(u"the committed file differs from the sources: run "
                                "`cmake --build <dir> --target update_translations`"_s,
                                problems)));
    }
}

// The checks themselves, on a file with one of each problem.
void TestTranslations::checkerCatchesProblems()
{
    const QString path = QDir(m_work.path()).filePath(u"self_check_bad.ts"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"ts(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Ctx</name>
    <message><source>Done %1</source><translation>完成 %1</translation></message>
    <message><source>Open</source><translation type="unfinished"></translation></message>
    <message><source>Gone</source><translation type="vanished">没了</translation></message>
    <message><source>Old</source><translation type="obsolete">旧</translation></message>
    <message><source>Lost %1 of %2</source><translation>丢了 %1</translation></message>
    <message><source>Added</source><translation>多了 %1</translation></message>
    <message numerus="yes"><source>%n keys</source><translation><numerusform>密钥</numerusform></translation></message>
    <message><source>&amp;Port:</source><translation>端口：</translation></message>
    <message><source>Empty</source><translation></translation></message>
    <message><source>Prose &amp; more</source><translation>文字与更多</translation></message>
</context>
</TS>
)ts");
    file.close();
    const TsFile ts = readTs(path);
    QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
    QCOMPARE(ts.language, u"zh_CN"_s);
    QCOMPARE(ts.messages.size(), 10);
    const QStringList problems = translationProblems(ts);
    const QStringList expected{
        u"unfinished: [Ctx] \"Open\""_s,
        u"vanished (no longer in the sources): [Ctx] \"Gone\""_s,
        u"obsolete (no longer in the sources): [Ctx] \"Old\""_s,
        u"placeholders differ: [Ctx] \"Lost %1 of %2\" has %1 %2, the translation \"丢了 %1\" has %1"_s,
        u"placeholders differ: [Ctx] \"Added\" has none, the translation \"多了 %1\" has %1"_s,
        u"placeholders differ (plural form 1): [Ctx] \"%n keys\" has %n, the translation \"密钥\" has none"_s,
        u"keyboard mnemonic (&) missing in the translation: [Ctx] \"&Port:\""_s,
        u"empty translation: [Ctx] \"Empty\""_s,
    };
    QCOMPARE(problems, expected);
}

// lupdate end to end on a scratch source folder: a string added to the code and one
// removed from it both show, in the refreshed copy and against the committed file.
void TestTranslations::checkerCatchesDrift()
{
    const QDir work(m_work.path());
    QVERIFY(work.mkpath(u"drift/src"_s));
    QFile source(work.filePath(u"drift/src/page.cpp"_s));
    QVERIFY(source.open(QIODevice::WriteOnly));
    source.write(R"cpp(#include <QObject>
class Page : public QObject
{
    Q_OBJECT
    void retranslate()
    {
        tr("Kept");
        tr("New");
        tr("%n model(s)", nullptr, 2);
    }
};
)cpp");
    source.close();
    const QString committedPath = work.filePath(u"drift/committed_zh_CN.ts"_s);
    QFile committed(committedPath);
    QVERIFY(committed.open(QIODevice::WriteOnly));
    committed.write(R"ts(<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Page</name>
    <message><source>Kept</source><translation>保留</translation></message>
    <message><source>Removed</source><translation>移除</translation></message>
    <message numerus="yes"><source>%n model(s)</source><translation><numerusform>%n 个模型</numerusform></translation></message>
</context>
</TS>
)ts");
    committed.close();
    QVERIFY(work.mkpath(u"drift/out"_s));
    const Refreshed r =
        refresh(committedPath, {work.filePath(u"drift/src"_s)}, work.filePath(u"drift/out"_s));
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    const QStringList problems = translationProblems(r.updated);
    QVERIFY2(problems.contains(u"unfinished: [Page] \"New\""_s), qPrintable(problems.join(u'\n')));
    QVERIFY2(problems.contains(u"vanished (no longer in the sources): [Page] \"Removed\""_s),
             qPrintable(problems.join(u'\n')));
    QCOMPARE(problems.size(), 2);
    const QStringList drift = driftProblems(r.committed, r.updated);
    const QStringList expected{
        u"in the committed file but no longer in the sources: [Page] \"Removed\""_s,
        u"in the sources but not in the committed file: [Page] \"New\""_s,
    };
    QCOMPARE(drift, expected);
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
