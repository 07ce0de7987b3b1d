#pragma once

// A running gateway for the Connect and Settings page tests: a real ConfigEditor on a
// temporary config.json, an in-memory keychain, scripted dialogs, a usage database, and
// a GatewayService relaying to FakeUpstream (openai dialect) over 127.0.0.1.

#include "FakeUpstream.h"
#include "GatewayService.h"
#include "ScriptedPrompts.h"
#include "UiServices.h"
#include "config/ConfigEditor.h"
#include "pages/RefusedOriginsModel.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <memory>

namespace onegate::test {

// A port nothing listens on right now (another process could still take it before the
// caller binds it; good enough on a test machine).
inline quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

class RunningGateway final {
public:
    QTemporaryDir dir;
    MemorySecretStore secrets;
    ScriptedPrompts prompts;
    std::unique_ptr<FakeUpstream> fake;
    std::unique_ptr<ConfigEditor> editor;
    std::unique_ptr<UsageRecorder> usage;
    std::unique_ptr<GatewayService> gateway;
    RefusedOriginsModel refusedOrigins;
    quint16 port = 0;

    // The config the tests start from: two access keys in the keychain ("laptop" may use
    // everything, "narrow" only "text") and the fake upstream serving text and tool.
    QJsonObject defaultConfig() const
    {
        const QJsonArray keys{
            QJsonObject{{QStringLiteral("name"), QStringLiteral("laptop")},
                        {QStringLiteral("key"), QStringLiteral("keychain:access/laptop")},
                        {QStringLiteral("models"), QJsonArray{QStringLiteral("*")}}},
            QJsonObject{{QStringLiteral("name"), QStringLiteral("narrow")},
                        {QStringLiteral("key"), QStringLiteral("keychain:access/narrow")},
                        {QStringLiteral("models"), QJsonArray{QStringLiteral("text")}}},
        };
        const QJsonArray providers{QJsonObject{
            {QStringLiteral("id"), QStringLiteral("fake")},
            {QStringLiteral("kind"), QStringLiteral("openai")},
            {QStringLiteral("base_url"), fake->baseUrl()},
            {QStringLiteral("models"), QJsonArray{QStringLiteral("text"), QStringLiteral("tool")}},
        }};
        return QJsonObject{
            {QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(port)},
            {QStringLiteral("auth"), QJsonObject{{QStringLiteral("required"), true}}},
            {QStringLiteral("access_keys"), keys},
            {QStringLiteral("providers"), providers},
        };
    }

    // Starts everything; `edit` may change the default config first. Returns an error
    // text, empty on success.
    template <typename Edit> QString start(Edit edit)
    {
        if (!dir.isValid())
            return QStringLiteral("no temporary directory");
        secrets.write(QStringLiteral("access/laptop"), QByteArrayLiteral("sk-test-laptop-3f9a"));
        secrets.write(QStringLiteral("access/narrow"), QByteArrayLiteral("sk-test-narrow-77c1"));
        fake = std::make_unique<FakeUpstream>();
        if (!fake->listen())
            return fake->errorString();
        port = freePort();
        QJsonObject config = defaultConfig();
        edit(config);
        const QString path = dir.filePath(QStringLiteral("config.json"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(config).toJson()) < 0)
            return file.errorString();
        file.close();
        editor = std::make_unique<ConfigEditor>(path, &secrets);
        const ConfigResult loaded = editor->load();
        if (!loaded.ok())
            return loaded.error.toString();
        usage = std::make_unique<UsageRecorder>();
        const QString usageError = usage->open(dir.filePath(QStringLiteral("usage.db")));
        if (!usageError.isEmpty())
            return usageError;
        gateway = std::make_unique<GatewayService>();
        // What DesktopApp does: refused browser origins are listed for the Settings page.
        QObject::connect(gateway.get(), &GatewayService::originRefused, &refusedOrigins,
                         &RefusedOriginsModel::record);
        const ListenResult listening = gateway->start(editor->config(), usage.get());
        return listening.error;
    }
    QString start()
    {
        return start([](QJsonObject &) {});
    }

    // What DesktopApp does: every accepted edit goes to the running gateway.
    void followEdits()
    {
        QObject::connect(
            editor.get(), &ConfigEditor::changed, gateway.get(),
            [this](const std::shared_ptr<const Config> &config) { gateway->applyConfig(config); });
    }

    UiServices services()
    {
        return UiServices{editor.get(), &secrets, gateway.get(), &prompts,
                          dir.filePath(QStringLiteral("data")), &refusedOrigins};
    }

    ~RunningGateway()
    {
        gateway.reset();
        usage.reset();
        editor.reset();
        fake.reset();
    }
};

} // namespace onegate::test
