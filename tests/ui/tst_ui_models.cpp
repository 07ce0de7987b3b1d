// The Models page: served models with routes, aliases, enabled flag, context window and
// prices, edited through a real ConfigEditor on a temporary config file; a refused edit
// keeps the file as it was; a disabled model disappears from a running GatewayService;
// each route's health, from a given snapshot and from real traffic through the gateway.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "ScriptedPrompts.h"
#include "TestHttpClient.h"
#include "UiServices.h"
#include "config/ConfigEditor.h"
#include "config/ConfigParser.h"
#include "models/ModelListModel.h"
#include "models/ModelRoutesModel.h"
#include "pages/ModelsPage.h"
#include "routing/HealthBook.h"
#include "routing/ModelRouter.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

using namespace onegate;
using namespace onegate::test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kAccessKey = "sk-test-modelsaccess4-2a9c"_ba;
const QByteArray kUpstreamKey = "sk-test-modelsupstrea-1e05"_ba;

using Column = ModelListModel::Column;
using RouteColumn = ModelRoutesModel::Column;

// Two providers on the same fake upstream, both serving `text`; `smart` is an alias.
// The URL is filled in with arg(): moc 6.4 reads a "//" inside a raw string as a comment.
QByteArray configJson(quint16 upstreamPort)
{
    return QString::fromLatin1(R"({
  "listen": "127.0.0.1:0",
  "access_keys": [ { "name": "main", "key": "env:ONEGATE_TEST_KEY", "models": ["*"] } ],
  "providers": [
    { "id": "fake", "kind": "openai", "base_url": "%1",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none", "models": ["text", "tool"] },
    { "id": "backup", "kind": "openai", "base_url": "%1",
      "api_key": "env:ONEGATE_TEST_UPSTREAM_KEY", "proxy": "none", "models": ["text"] }
  ],
  "models": [
    { "id": "smart", "routes": [ { "provider": "fake", "model": "text" } ] }
  ]
})")
        .arg(u"http://127.0.0.1:%1/v1"_s.arg(upstreamPort))
        .toUtf8();
}

QJsonObject modelsEntry(const QJsonObject &document, const QString &id)
{
    for (const QJsonValue &value : document.value("models"_L1).toArray()) {
        if (value.toObject().value("id"_L1).toString() == id)
            return value.toObject();
    }
    return {};
}

const ModelAlias *configEntry(const Config &config, const QString &id)
{
    for (const ModelAlias &model : config.models) {
        if (model.id == id)
            return &model;
    }
    return nullptr;
}

QByteArray chatBody(const QString &model)
{
    return QJsonDocument(
               QJsonObject{{u"model"_s, model},
                           {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s},
                                                                  {u"content"_s, u"Hi"_s}}}}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class ModelsPageTest final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void listsServedModels();
    void editsReachConfig_data();
    void editsReachConfig();
    void routeEdits();
    void providerModelGetsOwnRoutesAndGivesThemBack();
    void aliases();
    void invalidEditsRefused_data();
    void invalidEditsRefused();
    void followsChangesMadeElsewhere();
    void annotationsOfRemovedModels();
    void routerHonoursEnabled();
    void disabledModelNotServed();
    void routeHealthColumns_data();
    void routeHealthColumns();
    void routeHealthFromTraffic();
    void looksRight();

private:
    QByteArray fileBytes() const;
    QJsonObject fileDocument() const;
    void select(const QString &id);
    QModelIndex cell(const QString &id, Column column) const;
    void startGateway();
    std::unique_ptr<TestHttpClient> call(const QByteArray &method, const QByteArray &path,
                                         const QByteArray &body = {});
    QStringList listedModels();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeUpstream> m_fake;
    std::unique_ptr<MemorySecretStore> m_secrets;
    std::unique_ptr<ConfigEditor> m_editor;
    std::unique_ptr<ScriptedPrompts> m_prompts;
    std::unique_ptr<UsageRecorder> m_usage;
    std::unique_ptr<GatewayService> m_gateway;
    std::unique_ptr<ModelsPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_listTester;
    std::unique_ptr<QAbstractItemModelTester> m_routesTester;
    ModelListModel *m_models = nullptr;
    ModelRoutesModel *m_routes = nullptr;
    quint16 m_port = 0;
};

void ModelsPageTest::initTestCase()
{
    qputenv("ONEGATE_TEST_KEY", kAccessKey);
    qputenv("ONEGATE_TEST_UPSTREAM_KEY", kUpstreamKey);
}

void ModelsPageTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_fake = std::make_unique<FakeUpstream>(kUpstreamKey);
    QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));
    QFile file(m_dir->filePath(u"config.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(configJson(m_fake->port()));
    file.close();

    m_secrets = std::make_unique<MemorySecretStore>();
    m_editor = std::make_unique<ConfigEditor>(file.fileName(), m_secrets.get());
    const ConfigResult loaded = m_editor->load();
    QVERIFY2(loaded.ok(), qPrintable(loaded.error.toString()));
    m_prompts = std::make_unique<ScriptedPrompts>();
    m_gateway = std::make_unique<GatewayService>();

    UiServices services{m_editor.get(), m_secrets.get(), m_gateway.get(), m_prompts.get(),
                        m_dir->path()};
    m_page = std::make_unique<ModelsPage>(services);
    auto *table = m_page->findChild<QTableView *>(u"modelsTable"_s);
    auto *routesView = m_page->findChild<QTableView *>(u"routesTable"_s);
    QVERIFY(table && routesView);
    m_models = qobject_cast<ModelListModel *>(table->model());
    m_routes = qobject_cast<ModelRoutesModel *>(routesView->model());
    QVERIFY(m_models && m_routes);
    m_listTester = std::make_unique<QAbstractItemModelTester>(
        m_models, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_routesTester = std::make_unique<QAbstractItemModelTester>(
        m_routes, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void ModelsPageTest::cleanup()
{
    m_listTester.reset();
    m_routesTester.reset();
    m_page.reset();
    m_gateway.reset();
    m_usage.reset();
    m_editor.reset();
    m_prompts.reset();
    m_secrets.reset();
    m_fake.reset();
    m_dir.reset();
}

QByteArray ModelsPageTest::fileBytes() const
{
    QFile file(m_editor->path());
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject ModelsPageTest::fileDocument() const
{
    return QJsonDocument::fromJson(fileBytes()).object();
}

void ModelsPageTest::select(const QString &id)
{
    auto *table = m_page->findChild<QTableView *>(u"modelsTable"_s);
    const int row = m_models->rowOf(id);
    QVERIFY2(row >= 0, qPrintable(id));
    table->setCurrentIndex(m_models->index(row, 0));
    QCOMPARE(m_routes->modelId(), id);
}

QModelIndex ModelsPageTest::cell(const QString &id, Column column) const
{
    return m_models->index(m_models->rowOf(id), int(column));
}

void ModelsPageTest::listsServedModels()
{
    QCOMPARE(m_models->rowCount(), 3);
    QCOMPARE(m_models->entryAt(0)->id, u"text"_s);
    QCOMPARE(m_models->entryAt(1)->id, u"tool"_s);
    QCOMPARE(m_models->entryAt(2)->id, u"smart"_s);

    QCOMPARE(cell(u"text"_s, Column::Routes).data().toString(), u"fake/text, backup/text"_s);
    QCOMPARE(cell(u"text"_s, Column::Aliases).data().toString(), u"smart"_s);
    QCOMPARE(cell(u"text"_s, Column::Model).data(Qt::CheckStateRole).value<Qt::CheckState>(),
             Qt::Checked);
    QVERIFY(cell(u"text"_s, Column::ContextWindow).data().toString().isEmpty());
    QVERIFY(!m_models->entryAt(0)->isAlias);
    QVERIFY(m_models->entryAt(2)->isAlias);
    QCOMPARE(cell(u"smart"_s, Column::Routes).data().toString(), u"fake/text"_s);
    QCOMPARE(cell(u"tool"_s, Column::Aliases).data().toString(), QString());

    select(u"text"_s);
    QCOMPARE(m_routes->rowCount(), 2);
    QCOMPARE(m_routes->index(1, int(RouteColumn::Provider)).data().toString(), u"backup"_s);
    QCOMPARE(m_routes->index(1, int(RouteColumn::Model)).data().toString(), u"text"_s);
    QCOMPARE(m_routes->index(1, int(RouteColumn::Priority)).data().toInt(), 0);
    QCOMPARE(m_routes->index(1, int(RouteColumn::Weight)).data().toInt(), 1);
    QCOMPARE(m_routes->index(0, int(RouteColumn::Provider))
                 .data(ModelRoutesModel::ChoicesRole)
                 .toStringList(),
             (QStringList{u"fake"_s, u"backup"_s}));
    QCOMPARE(m_page->findChild<QLabel *>(u"aliasesLabel"_s)->text(), u"smart"_s);
    QVERIFY(m_page->findChild<QLabel *>(u"modelsEmpty"_s)->isHidden());
}

void ModelsPageTest::editsReachConfig_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("role");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("key");       // in the models[] entry
    QTest::addColumn<QJsonValue>("stored"); // what the file holds under it
    QTest::addColumn<QString>("shown");

    const int edit = Qt::EditRole;
    QTest::newRow("disable a provider's model")
        << u"tool"_s << int(Column::Model) << int(Qt::CheckStateRole)
        << QVariant::fromValue(Qt::Unchecked) << u"enabled"_s << QJsonValue(false) << u"tool"_s;
    QTest::newRow("disable an alias")
        << u"smart"_s << int(Column::Model) << int(Qt::CheckStateRole)
        << QVariant::fromValue(Qt::Unchecked) << u"enabled"_s << QJsonValue(false) << u"smart"_s;
    QTest::newRow("context window as typed")
        << u"text"_s << int(Column::ContextWindow) << edit << QVariant(u" 128000 "_s)
        << u"context_window"_s << QJsonValue(128000) << QLocale().toString(128000);
    QTest::newRow("input price") << u"text"_s << int(Column::InputPrice) << edit
                                 << QVariant(u"2.5"_s) << u"prices.input"_s << QJsonValue(2.5)
                                 << u"2.5"_s;
    QTest::newRow("output price as a number")
        << u"tool"_s << int(Column::OutputPrice) << edit << QVariant(10.0) << u"prices.output"_s
        << QJsonValue(10) << u"10"_s;
    QTest::newRow("cache read price on an alias")
        << u"smart"_s << int(Column::CacheReadPrice) << edit << QVariant(u"0.075"_s)
        << u"prices.cache_read"_s << QJsonValue(0.075) << u"0.075"_s;
    QTest::newRow("cache write price free")
        << u"text"_s << int(Column::CacheWritePrice) << edit << QVariant(u"0"_s)
        << u"prices.cache_write"_s << QJsonValue(0) << u"0"_s;
}

void ModelsPageTest::editsReachConfig()
{
    QFETCH(QString, id);
    QFETCH(int, column);
    QFETCH(int, role);
    QFETCH(QVariant, value);
    QFETCH(QString, key);
    QFETCH(QJsonValue, stored);
    QFETCH(QString, shown);

    QSignalSpy changed(m_editor.get(), &ConfigEditor::changed);
    QVERIFY(m_models->setData(cell(id, Column(column)), value, role));
    QCOMPARE(changed.size(), 1);
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));

    // On disk and in the editor's document.
    for (const QJsonObject &document : {fileDocument(), m_editor->document()}) {
        const QJsonObject entry = modelsEntry(document, id);
        QJsonValue actual = entry;
        for (const QString &part : key.split(u'.'))
            actual = actual.toObject().value(part);
        QCOMPARE(actual, stored);
    }
    // Parsed: what the gateway runs on.
    const ModelAlias *parsed = configEntry(*m_editor->config(), id);
    QVERIFY(parsed);
    if (key == "enabled"_L1)
        QCOMPARE(parsed->enabled, false);
    else if (key == "context_window"_L1)
        QCOMPARE(parsed->contextWindow, stored.toInt());
    else if (key == "prices.input"_L1)
        QCOMPARE(parsed->prices.input, std::optional<double>(stored.toDouble()));
    else if (key == "prices.output"_L1)
        QCOMPARE(parsed->prices.output, std::optional<double>(stored.toDouble()));
    else if (key == "prices.cache_read"_L1)
        QCOMPARE(parsed->prices.cacheRead, std::optional<double>(stored.toDouble()));
    else if (key == "prices.cache_write"_L1)
        QCOMPARE(parsed->prices.cacheWrite, std::optional<double>(stored.toDouble()));
    // A provider's model only gains annotations: its routes stay its providers'.
    if (id != "smart"_L1)
        QVERIFY(!modelsEntry(fileDocument(), id).contains("routes"_L1));
    QCOMPARE(cell(id, Column(column)).data().toString(), shown);

    // Undoing the edit leaves no trace of a provider's model in models[].
    const QVariant undo =
        role == Qt::CheckStateRole ? QVariant::fromValue(Qt::Checked) : QVariant(QString());
    QVERIFY(m_models->setData(cell(id, Column(column)), undo, role));
    if (id != "smart"_L1)
        QVERIFY(modelsEntry(fileDocument(), id).isEmpty());
    else
        QCOMPARE(modelsEntry(fileDocument(), id).keys(), (QStringList{u"id"_s, u"routes"_s}));
}

void ModelsPageTest::routeEdits()
{
    select(u"smart"_s);
    QCOMPARE(m_routes->rowCount(), 1);

    QVERIFY(m_routes->setData(m_routes->index(0, int(RouteColumn::Weight)), 3));
    QCOMPARE(configEntry(*m_editor->config(), u"smart"_s)->routes.at(0).weight, 3);
    QCOMPARE(modelsEntry(fileDocument(), u"smart"_s)
                 .value("routes"_L1)
                 .toArray()
                 .at(0)
                 .toObject()
                 .value("weight"_L1)
                 .toInt(),
             3);

    // A new route goes to a provider not yet used, as a fallback.
    m_page->findChild<QPushButton *>(u"addRouteButton"_s)->click();
    QCOMPARE(m_routes->rowCount(), 2);
    QList<Route> routes = configEntry(*m_editor->config(), u"smart"_s)->routes;
    QCOMPARE(routes.size(), 2);
    QCOMPARE(routes.at(1), (Route{u"backup"_s, u"text"_s, 1, 1}));

    QVERIFY(m_routes->setData(m_routes->index(1, int(RouteColumn::Model)), u"tool"_s));
    QVERIFY(m_routes->setData(m_routes->index(1, int(RouteColumn::Priority)), 0));
    routes = configEntry(*m_editor->config(), u"smart"_s)->routes;
    QCOMPARE(routes.at(1), (Route{u"backup"_s, u"tool"_s, 0, 1}));
    QCOMPARE(m_models->data(cell(u"smart"_s, Column::Routes)).toString(),
             u"fake/text, backup/tool"_s);

    auto *routesView = m_page->findChild<QTableView *>(u"routesTable"_s);
    auto *remove = m_page->findChild<QPushButton *>(u"removeRouteButton"_s);
    routesView->setCurrentIndex(m_routes->index(0, 0));
    QVERIFY(remove->isEnabled());
    remove->click();
    QCOMPARE(configEntry(*m_editor->config(), u"smart"_s)->routes,
             (QList<Route>{{u"backup"_s, u"tool"_s, 0, 1}}));
    // The last route of an alias stays: an alias without routes serves nothing.
    routesView->setCurrentIndex(m_routes->index(0, 0));
    QVERIFY(!remove->isEnabled());
    QVERIFY2(m_prompts->shown.isEmpty(), qPrintable(m_prompts->shown.join(u'\n')));
}

void ModelsPageTest::providerModelGetsOwnRoutesAndGivesThemBack()
{
    select(u"text"_s);
    auto *providerRoutes = m_page->findChild<QPushButton *>(u"providerRoutesButton"_s);
    QVERIFY(providerRoutes->isHidden());

    QVERIFY(m_routes->setData(m_routes->index(1, int(RouteColumn::Priority)), 1));
    QCOMPARE(configEntry(*m_editor->config(), u"text"_s)->routes,
             (QList<Route>{{u"fake"_s, u"text"_s, 0, 1}, {u"backup"_s, u"text"_s, 1, 1}}));
    QCOMPARE(m_models->rowOf(u"text"_s), 0); // the row did not move
    QVERIFY(!providerRoutes->isHidden());

    providerRoutes->click();
    QVERIFY(modelsEntry(fileDocument(), u"text"_s).isEmpty());
    QVERIFY(!configEntry(*m_editor->config(), u"text"_s));
    QVERIFY(providerRoutes->isHidden());
    QCOMPARE(m_routes->rowCount(), 2);
}

void ModelsPageTest::aliases()
{
    select(u"text"_s);
    auto *edit = m_page->findChild<QLineEdit *>(u"aliasEdit"_s);
    auto *add = m_page->findChild<QPushButton *>(u"addAliasButton"_s);
    QVERIFY(!add->isEnabled());
    edit->setText(u"fast"_s);
    QVERIFY(add->isEnabled());
    add->click();
    QVERIFY(edit->text().isEmpty());

    const ModelAlias *fast = configEntry(*m_editor->config(), u"fast"_s);
    QVERIFY(fast);
    QCOMPARE(fast->routes,
             (QList<Route>{{u"fake"_s, u"text"_s, 0, 1}, {u"backup"_s, u"text"_s, 0, 1}}));
    QCOMPARE(m_models->rowCount(), 4);
    QCOMPARE(m_routes->modelId(), u"text"_s); // still on the model it was added to
    QCOMPARE(cell(u"text"_s, Column::Aliases).data().toString(), u"smart, fast"_s);

    // A name already served is refused before anything is written.
    const QByteArray before = fileBytes();
    edit->setText(u"tool"_s);
    add->click();
    QVERIFY(m_prompts->last().contains(u"There is already a model called tool"_s));
    QCOMPARE(fileBytes(), before);

    // Removing asks first.
    select(u"fast"_s);
    auto *remove = m_page->findChild<QPushButton *>(u"removeAliasButton"_s);
    QVERIFY(!remove->isHidden());
    m_prompts->confirmAnswer = false;
    remove->click();
    QVERIFY(m_prompts->last().startsWith(u"confirm: "_s));
    QVERIFY(configEntry(*m_editor->config(), u"fast"_s));
    m_prompts->confirmAnswer = true;
    remove->click();
    QVERIFY(!configEntry(*m_editor->config(), u"fast"_s));
    QCOMPARE(m_models->rowCount(), 3);
    select(u"text"_s);
    QVERIFY(m_page->findChild<QPushButton *>(u"removeAliasButton"_s)->isHidden());
}

void ModelsPageTest::invalidEditsRefused_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("column"); // -1: a route cell, see routeColumn
    QTest::addColumn<int>("routeColumn");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("message"); // the parser's own
    QTest::addColumn<QString>("shown");   // the cell keeps the user's input

    const QString file = u"config.json: "_s;
    QTest::newRow("negative price")
        << u"text"_s << int(Column::InputPrice) << -1 << QVariant(u"-1"_s)
        << file + u"models[1].prices.input: expected a number of at least 0 (a price per "
                  u"million tokens)"_s
        << u"-1"_s;
    QTest::newRow("price that is no number")
        << u"smart"_s << int(Column::OutputPrice) << -1 << QVariant(u"cheap"_s)
        << file + u"models[0].prices.output: expected a number of at least 0 (a price per "
                  u"million tokens)"_s
        << u"cheap"_s;
    QTest::newRow("context window zero")
        << u"tool"_s << int(Column::ContextWindow) << -1 << QVariant(u"0"_s)
        << file + u"models[1].context_window: expected an integer from 1 to 100000000"_s << u"0"_s;
    QTest::newRow("weight 0")
        << u"smart"_s << -1 << int(RouteColumn::Weight) << QVariant(0)
        << file + u"models[0].routes[0].weight: expected an integer from 1 to 1000000"_s << u"0"_s;
    QTest::newRow("route to a missing provider")
        << u"smart"_s << -1 << int(RouteColumn::Provider) << QVariant(u"nope"_s)
        << file + u"models[0].routes[0].provider: unknown provider \"nope\": no providers[] "
                  u"entry has this id"_s
        << u"nope"_s;
    QTest::newRow("negative priority on a provider's model")
        << u"text"_s << -1 << int(RouteColumn::Priority) << QVariant(-2)
        << file + u"models[1].routes[0].priority: expected an integer from 0 to 1000"_s << u"-2"_s;
}

void ModelsPageTest::invalidEditsRefused()
{
    QFETCH(QString, id);
    QFETCH(int, column);
    QFETCH(int, routeColumn);
    QFETCH(QVariant, value);
    QFETCH(QString, message);
    QFETCH(QString, shown);

    const QByteArray before = fileBytes();
    const QJsonObject documentBefore = m_editor->document();
    const auto configBefore = m_editor->config();
    QSignalSpy changed(m_editor.get(), &ConfigEditor::changed);
    select(id);
    QModelIndex index;
    if (column >= 0) {
        index = cell(id, Column(column));
        QVERIFY(m_models->setData(index, value));
    } else {
        index = m_routes->index(0, routeColumn);
        QVERIFY(m_routes->setData(index, value));
    }

    QCOMPARE(m_prompts->shown.size(), 1);
    QVERIFY2(m_prompts->last().startsWith(u"warning: "_s), qPrintable(m_prompts->last()));
    QVERIFY2(m_prompts->last().contains(message), qPrintable(m_prompts->last()));
    QCOMPARE(fileBytes(), before);
    QCOMPARE(m_editor->document(), documentBefore);
    QCOMPARE(m_editor->config(), configBefore);
    QCOMPARE(changed.size(), 0);

    // The user's input stays on screen with the reason, until reverted.
    QCOMPARE(index.data().toString(), shown);
    auto *error = m_page->findChild<QLabel *>(u"modelsError"_s);
    auto *revert = m_page->findChild<QPushButton *>(u"revertButton"_s);
    QVERIFY(!error->isHidden());
    QVERIFY(error->text().contains(message));
    QVERIFY(!revert->isHidden());
    revert->click();
    QVERIFY(error->isHidden());
    QVERIFY(revert->isHidden());
    QVERIFY(index.data().toString() != shown);
    QCOMPARE(fileBytes(), before);
}

void ModelsPageTest::followsChangesMadeElsewhere()
{
    // Another page adds a model to a provider: it shows up here.
    QJsonObject next = m_editor->document();
    QJsonArray providers = next.value("providers"_L1).toArray();
    QJsonObject backup = providers.at(1).toObject();
    backup.insert(u"models"_s, QJsonArray{u"text"_s, u"extra"_s});
    providers.replace(1, backup);
    next.insert(u"providers"_s, providers);
    QVERIFY(!m_editor->apply(next));
    QVERIFY(m_models->rowOf(u"extra"_s) >= 0);

    // While a refused edit is on screen, outside changes still arrive and the edit stays;
    // correcting it then saves both.
    QVERIFY(m_models->setData(cell(u"tool"_s, Column::InputPrice), u"-3"_s));
    QCOMPARE(m_prompts->shown.size(), 1);
    next = m_editor->document();
    providers = next.value("providers"_L1).toArray();
    backup = providers.at(1).toObject();
    backup.insert(u"models"_s, QJsonArray{u"text"_s, u"extra"_s, u"more"_s});
    providers.replace(1, backup);
    next.insert(u"providers"_s, providers);
    QVERIFY(!m_editor->apply(next));
    QVERIFY(m_models->rowOf(u"more"_s) >= 0);
    QCOMPARE(cell(u"tool"_s, Column::InputPrice).data().toString(), u"-3"_s);

    QVERIFY(m_models->setData(cell(u"tool"_s, Column::InputPrice), u"3"_s));
    QCOMPARE(m_prompts->shown.size(), 1);
    QCOMPARE(configEntry(*m_editor->config(), u"tool"_s)->prices.input, std::optional<double>(3));
    QVERIFY(m_editor->config()->provider(u"backup"_s)->models.contains(u"more"_s));
    QVERIFY(m_page->findChild<QLabel *>(u"modelsError"_s)->isHidden());
}

void ModelsPageTest::annotationsOfRemovedModels()
{
    // Settings of a model that a provider stops listing would make the config invalid.
    QVERIFY(m_models->setData(cell(u"tool"_s, Column::InputPrice), u"1"_s));
    QVERIFY(m_models->setData(cell(u"text"_s, Column::InputPrice), u"2"_s));
    QJsonObject next = m_editor->document();
    QJsonArray providers = next.value("providers"_L1).toArray();
    QJsonObject fake = providers.at(0).toObject();
    fake.insert(u"models"_s, QJsonArray{u"text"_s});
    providers.replace(0, fake);
    next.insert(u"providers"_s, providers);
    const auto refused = m_editor->apply(next);
    QVERIFY(refused);
    QCOMPARE(refused->toString(),
             u"config.json: models[1].routes: required unless a provider lists \"tool\" in its "
             u"models (an entry without routes only sets enabled, context_window, max_output_tokens, "
             u"capabilities, prices or cache of that model)"_s);

    // What a page that removes models calls first.
    ModelDocument::dropUnservedAnnotations(next);
    QVERIFY(!m_editor->apply(next));
    QVERIFY(!configEntry(*m_editor->config(), u"tool"_s));
    QCOMPARE(configEntry(*m_editor->config(), u"text"_s)->prices.input, std::optional<double>(2));
    QVERIFY(configEntry(*m_editor->config(), u"smart"_s));
    QCOMPARE(m_models->rowOf(u"tool"_s), -1);
}

void ModelsPageTest::routerHonoursEnabled()
{
    const ConfigResult parsed = parseConfig(
        R"({"providers":[{"id":"p","kind":"ollama","base_url":"http://h","models":["a","b","c"]}],)"
        R"("models":[{"id":"a","enabled":false},{"id":"b","context_window":4096},)"
        R"({"id":"alias","routes":[{"provider":"p","model":"a"}]},)"
        R"({"id":"off","enabled":false,"routes":[{"provider":"p","model":"b"}]}]})"_ba,
        u"config.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    const Config &config = *parsed.config;
    const ModelRouter router(config);

    QStringList served;
    for (const ServedModel &model : router.servedModels())
        served.append(model.id + u'@' + model.ownedBy);
    // An annotated provider model is still the provider's; disabled ids are gone.
    QCOMPARE(served, (QStringList{u"alias@onegate"_s, u"b@p"_s, u"c@p"_s}));

    for (const QString &id : {u"a"_s, u"p/a"_s, u"off"_s}) {
        const auto result = router.resolve(id);
        QVERIFY2(std::holds_alternative<ApiError>(result), qPrintable(id));
        const ApiError &error = std::get<ApiError>(result);
        QCOMPARE(error.status, 404);
        QVERIFY2(error.message.contains(u"turned off"_s), qPrintable(error.message));
    }
    // An alias routing to a disabled id's upstream model keeps working: what is off is
    // the served id, not the provider's model.
    const auto alias = router.resolve(u"alias"_s);
    QVERIFY(std::holds_alternative<QList<RouteTarget>>(alias));
    QCOMPARE(std::get<QList<RouteTarget>>(alias).constFirst().upstreamModel, u"a"_s);
    const auto b = router.resolve(u"b"_s);
    QVERIFY(std::holds_alternative<QList<RouteTarget>>(b));
    QCOMPARE(std::get<QList<RouteTarget>>(b).size(), 1);
}

void ModelsPageTest::startGateway()
{
    m_usage = std::make_unique<UsageRecorder>();
    const QString usageError = m_usage->open(m_dir->filePath(u"usage.db"_s));
    QVERIFY2(usageError.isEmpty(), qPrintable(usageError));
    const ListenResult listening = m_gateway->start(m_editor->config(), m_usage.get());
    QVERIFY2(listening.ok(), qPrintable(listening.error));
    m_port = listening.port;
    // What the app does (DesktopApp): every saved config goes to the running gateway.
    connect(
        m_editor.get(), &ConfigEditor::changed, m_gateway.get(),
        [this](const std::shared_ptr<const Config> &config) { m_gateway->applyConfig(config); });
}

std::unique_ptr<TestHttpClient> ModelsPageTest::call(const QByteArray &method,
                                                     const QByteArray &path, const QByteArray &body)
{
    auto client = std::make_unique<TestHttpClient>(m_port);
    RawHeaders headers{{"Authorization"_ba, "Bearer "_ba + kAccessKey}};
    if (!body.isEmpty())
        headers.append({"Content-Type"_ba, "application/json"_ba});
    client->send(method, path, headers, body);
    client->waitForFinished();
    return client;
}

QStringList ModelsPageTest::listedModels()
{
    const auto reply = call("GET"_ba, "/v1/models"_ba);
    if (reply->status() != 200)
        return {u"status %1"_s.arg(reply->status())};
    QStringList ids;
    for (const QJsonValue &model : reply->json().value("data"_L1).toArray())
        ids.append(model.toObject().value("id"_L1).toString());
    return ids;
}

void ModelsPageTest::disabledModelNotServed()
{
    startGateway();
    QCOMPARE(listedModels(), (QStringList{u"smart"_s, u"text"_s, u"tool"_s}));
    QCOMPARE(call("POST"_ba, "/v1/chat/completions"_ba, chatBody(u"tool"_s))->status(), 200);

    QSignalSpy applied(m_gateway.get(), &GatewayService::configApplied);
    QVERIFY(m_models->setData(cell(u"tool"_s, Column::Model), QVariant::fromValue(Qt::Unchecked),
                              Qt::CheckStateRole));
    QVERIFY(m_models->setData(cell(u"smart"_s, Column::Model), QVariant::fromValue(Qt::Unchecked),
                              Qt::CheckStateRole));
    QTRY_COMPARE(applied.size(), 2);

    QCOMPARE(listedModels(), QStringList{u"text"_s});
    for (const QString &model : {u"tool"_s, u"fake/tool"_s, u"smart"_s}) {
        const auto chat = call("POST"_ba, "/v1/chat/completions"_ba, chatBody(model));
        QCOMPARE(chat->status(), 404);
        QCOMPARE(chat->json().value("error"_L1).toObject().value("code"_L1).toString(),
                 u"model_not_found"_s);
    }
    QCOMPARE(call("GET"_ba, "/v1/models/tool"_ba)->status(), 404);
    QCOMPARE(call("POST"_ba, "/v1/chat/completions"_ba, chatBody(u"text"_s))->status(), 200);

    QVERIFY(m_models->setData(cell(u"tool"_s, Column::Model), QVariant::fromValue(Qt::Checked),
                              Qt::CheckStateRole));
    QTRY_COMPARE(applied.size(), 3);
    QCOMPARE(listedModels(), (QStringList{u"text"_s, u"tool"_s}));
    QCOMPARE(call("POST"_ba, "/v1/chat/completions"_ba, chatBody(u"tool"_s))->status(), 200);
}

void ModelsPageTest::routeHealthColumns_data()
{
    QTest::addColumn<bool>("listed"); // whether the snapshot has the route fake/text
    QTest::addColumn<int>("state");
    QTest::addColumn<qint64>("cooldownLeftMs");
    QTest::addColumn<double>("successRate");
    QTest::addColumn<double>("ttfbMs");
    QTest::addColumn<QString>("lastError");
    QTest::addColumn<QString>("health");
    QTest::addColumn<QString>("healthTip"); // the start of the tooltip
    QTest::addColumn<int>("percent");       // -1: empty
    QTest::addColumn<qint64>("ms");         // -1: empty
    QTest::addColumn<QString>("shownError");

    const int closed = int(BreakerState::Closed);
    const int open = int(BreakerState::Open);
    const int halfOpen = int(BreakerState::HalfOpen);
    QTest::newRow("no traffic yet")
        << false << closed << qint64(0) << 1.0 << -1.0 << QString() << u"No traffic yet"_s
        << u"No request has used this route"_s << -1 << qint64(-1) << QString();
    QTest::newRow("healthy") << true << closed << qint64(0) << 0.8 << 350.4 << QString()
                             << u"Healthy"_s << u"Requests go to this route as usual"_s << 80
                             << qint64(350) << QString();
    QTest::newRow("healthy after an error")
        << true << closed << qint64(0) << 0.7 << 1234.6 << u"Upstream timed out"_s << u"Healthy"_s
        << u"Requests go to this route as usual"_s << 70 << qint64(1235) << u"Upstream timed out"_s;
    QTest::newRow("cooling down") << true << open << qint64(11'001) << 0.343 << -1.0
                                  << u"The server had an error\nwhile processing your request"_s
                                  << u"Cooling down (12 s left)"_s
                                  << u"Failures in a row: 3. OneGate sends this route no requests"_s
                                  << 34 << qint64(-1)
                                  << u"The server had an error while processing your request"_s;
    QTest::newRow("cooling down, under a second left")
        << true << open << qint64(200) << 0.2 << 800.0 << u"HTTP 503"_s
        << u"Cooling down (1 s left)"_s
        << u"Failures in a row: 3. OneGate sends this route no requests"_s << 20 << qint64(800)
        << u"HTTP 503"_s;
    QTest::newRow("probing") << true << halfOpen << qint64(0) << 0.49 << 512.0 << u"HTTP 502"_s
                             << u"Probing"_s << u"The cooldown is over"_s << 49 << qint64(512)
                             << u"HTTP 502"_s;
}

// The health columns for a snapshot built here: a value, as GatewayService::fetchHealth
// hands it to the page.
void ModelsPageTest::routeHealthColumns()
{
    QFETCH(bool, listed);
    QFETCH(int, state);
    QFETCH(qint64, cooldownLeftMs);
    QFETCH(double, successRate);
    QFETCH(double, ttfbMs);
    QFETCH(QString, lastError);
    QFETCH(QString, health);
    QFETCH(QString, healthTip);
    QFETCH(int, percent);
    QFETCH(qint64, ms);
    QFETCH(QString, shownError);

    select(u"text"_s); // routes fake/text, backup/text
    const auto text = [this](int row, RouteColumn column, int role = Qt::DisplayRole) {
        return m_routes->index(row, int(column)).data(role).toString();
    };
    // Before the first snapshot the columns say nothing.
    for (int row = 0; row < 2; ++row) {
        for (int column = int(RouteColumn::Health); column < int(RouteColumn::Count); ++column)
            QVERIFY(text(row, RouteColumn(column)).isEmpty());
    }

    const qint64 errorAt = QDateTime(QDate(2026, 12, 2), QTime(9, 41)).toMSecsSinceEpoch();
    HealthSnapshot snapshot;
    // Another model on the same provider, and another provider's route to a model of
    // that name: neither is this route.
    RouteHealth tool;
    tool.provider = u"fake"_s;
    tool.model = u"tool"_s;
    tool.state = BreakerState::Open;
    tool.successRate = 0.0;
    tool.consecutiveFailures = 5;
    tool.cooldownLeftMs = 9000;
    snapshot.routes.append(tool);
    if (listed) {
        RouteHealth route;
        route.provider = u"fake"_s;
        route.model = u"text"_s;
        route.state = BreakerState(state);
        route.cooldownLeftMs = cooldownLeftMs;
        route.consecutiveFailures = state == int(BreakerState::Closed) ? 0 : 3;
        route.successRate = successRate;
        route.ttfbMs = ttfbMs;
        route.lastError = lastError;
        route.lastErrorAtMs = lastError.isEmpty() ? 0 : errorAt;
        route.successes = 7;
        route.failures = 3;
        snapshot.routes.append(route);
    }
    snapshot.coolingKeys.append(KeyHealth{u"fake"_s, 0, 4000});
    QSignalSpy reset(m_routes, &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_routes, &QAbstractItemModel::dataChanged);
    m_routes->setHealth(snapshot);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().column(), int(RouteColumn::Health));

    const QLocale locale;
    QCOMPARE(text(0, RouteColumn::Health), health);
    QVERIFY2(text(0, RouteColumn::Health, Qt::ToolTipRole).startsWith(healthTip),
             qPrintable(text(0, RouteColumn::Health, Qt::ToolTipRole)));
    QCOMPARE(text(0, RouteColumn::SuccessRate),
             percent < 0 ? QString() : locale.toString(percent) + locale.percent());
    QCOMPARE(text(0, RouteColumn::FirstByte),
             ms < 0 ? QString() : u"%1 ms"_s.arg(locale.toString(ms)));
    QCOMPARE(text(0, RouteColumn::LastError), shownError);
    if (listed) {
        QCOMPARE(text(0, RouteColumn::SuccessRate, Qt::ToolTipRole),
                 u"7 succeeded and 3 failed since OneGate started; the rate counts recent "
                 u"requests most."_s);
    }
    if (!lastError.isEmpty()) {
        QCOMPARE(text(0, RouteColumn::LastError, Qt::ToolTipRole),
                 u"Failed at %1:\n%2"_s.arg(
                     locale.toString(QDateTime::fromMSecsSinceEpoch(errorAt), QLocale::ShortFormat),
                     lastError));
    }
    const QVariant colour = m_routes->index(0, int(RouteColumn::Health)).data(Qt::ForegroundRole);
    QCOMPARE(colour.isValid(), listed && state != int(BreakerState::Closed));
    // backup/text carried no traffic.
    QCOMPARE(text(1, RouteColumn::Health), u"No traffic yet"_s);
    QVERIFY(text(1, RouteColumn::SuccessRate).isEmpty());
    QVERIFY(text(1, RouteColumn::LastError).isEmpty());

    // The health columns are the router's to fill, not the user's.
    for (int column = int(RouteColumn::Health); column < int(RouteColumn::Count); ++column) {
        const QModelIndex index = m_routes->index(0, column);
        QVERIFY(!m_routes->flags(index).testFlag(Qt::ItemIsEditable));
        QVERIFY(!m_routes->setData(index, u"Healthy"_s));
        QVERIFY(!m_routes->headerData(column, Qt::Horizontal).toString().isEmpty());
        QVERIFY(
            !m_routes->headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }
    QVERIFY(
        m_routes->flags(m_routes->index(0, int(RouteColumn::Weight))).testFlag(Qt::ItemIsEditable));
    QCOMPARE(m_routes->headerData(int(RouteColumn::Health), Qt::Horizontal).toString(),
             u"Health"_s);

    // Another model: its routes are looked up in the same snapshot.
    select(u"tool"_s);
    QCOMPARE(text(0, RouteColumn::Health), u"Cooling down (9 s left)"_s);
    QCOMPARE(text(0, RouteColumn::SuccessRate), locale.toString(0) + locale.percent());

    // No gateway to ask: empty again.
    m_routes->clearHealth();
    QVERIFY(text(0, RouteColumn::Health).isEmpty());
}

// Real traffic through a running gateway to FakeUpstream makes real health, which the
// page fetches while it is visible, and only then.
void ModelsPageTest::routeHealthFromTraffic()
{
    auto *timer = m_page->findChild<QTimer *>(u"healthTimer"_s);
    QVERIFY(timer);
    select(u"tool"_s);
    const auto text = [this](int row, RouteColumn column) {
        return m_routes->index(row, int(column)).data().toString();
    };
    // Shown without a running gateway: nothing to say.
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    QVERIFY(timer->isActive());
    QVERIFY(text(0, RouteColumn::Health).isEmpty());
    m_page->hide();
    QVERIFY(!timer->isActive());

    startGateway();
    // tool is served by fake only: three 500s in a row (the request's three attempts)
    // open its breaker. text, pinned to fake, succeeds.
    m_fake->setScript({u"error-500"_s, u"error-500"_s, u"error-500"_s});
    QCOMPARE(call("POST"_ba, "/v1/chat/completions"_ba, chatBody(u"tool"_s))->status(), 500);
    QCOMPARE(call("POST"_ba, "/v1/chat/completions"_ba, chatBody(u"fake/text"_s))->status(), 200);
    // Hidden, the page does not ask.
    QTest::qWait(100);
    QVERIFY(text(0, RouteColumn::Health).isEmpty());

    m_page->show();
    QVERIFY(timer->isActive());
    QTRY_VERIFY2(text(0, RouteColumn::Health).startsWith(u"Cooling down ("_s),
                 qPrintable(text(0, RouteColumn::Health)));
    const QLocale locale;
    // 1 -> 0.7 -> 0.49 -> 0.343 with the EWMA's alpha of 0.3.
    QCOMPARE(text(0, RouteColumn::SuccessRate), locale.toString(34) + locale.percent());
    QVERIFY(text(0, RouteColumn::FirstByte).isEmpty());
    QVERIFY(!text(0, RouteColumn::LastError).isEmpty());
    QVERIFY(m_routes->index(0, int(RouteColumn::LastError))
                .data(Qt::ToolTipRole)
                .toString()
                .startsWith(u"Failed at "_s));

    select(u"text"_s);
    QCOMPARE(m_routes->index(0, int(RouteColumn::Provider)).data().toString(), u"fake"_s);
    QCOMPARE(text(0, RouteColumn::Health), u"Healthy"_s);
    QCOMPARE(text(0, RouteColumn::SuccessRate), locale.toString(100) + locale.percent());
    QVERIFY2(text(0, RouteColumn::FirstByte).endsWith(u" ms"_s),
             qPrintable(text(0, RouteColumn::FirstByte)));
    QVERIFY(text(0, RouteColumn::LastError).isEmpty());
    QCOMPARE(text(1, RouteColumn::Health), u"No traffic yet"_s);

    m_page->hide();
    QVERIFY(!timer->isActive());
}

// Not a check of pixels: renders the page at the window's size so a person can look
// at it (ONEGATE_SCREENSHOT_DIR), and makes sure nothing is cut off at that size.
void ModelsPageTest::looksRight()
{
    QVERIFY(m_models->setData(cell(u"text"_s, Column::ContextWindow), u"128000"_s));
    QVERIFY(m_models->setData(cell(u"text"_s, Column::InputPrice), u"2.5"_s));
    QVERIFY(m_models->setData(cell(u"text"_s, Column::OutputPrice), u"10"_s));
    QVERIFY(m_models->setData(cell(u"tool"_s, Column::Model), QVariant::fromValue(Qt::Unchecked),
                              Qt::CheckStateRole));
    select(u"smart"_s);
    m_page->resize(820, 640);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    const QString folder = qEnvironmentVariable("ONEGATE_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        QVERIFY(m_page->grab().save(folder + u"/models-page.png"_s));
    for (auto *button : m_page->findChildren<QPushButton *>()) {
        if (button->isVisible())
            QVERIFY2(button->width() >= button->sizeHint().width(), qPrintable(button->text()));
    }

    // A refused edit, as the user sees it until it is corrected or reverted.
    select(u"text"_s);
    QVERIFY(m_models->setData(cell(u"text"_s, Column::CacheReadPrice), u"-1"_s));
    QVERIFY(m_page->findChild<QLabel *>(u"modelsError"_s)->isVisible());
    if (!folder.isEmpty())
        QVERIFY(m_page->grab().save(folder + u"/models-page-refused.png"_s));
}

QTEST_MAIN(ModelsPageTest)
#include "tst_ui_models.moc"
