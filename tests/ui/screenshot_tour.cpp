// Renders every page of the real main window, with a realistic sample config, in English
// and Simplified Chinese, to PNG files for docs/screenshots. Run it under Xvfb:
//   xvfb-run -s "-screen 0 1280x800x24" build/dev/tests/ui/onegate_screenshot_tour docs/screenshots
// Nothing is contacted but 127.0.0.1: the sample providers are never called.

#include "GatewayService.h"
#include "MainWindow.h"
#include "Page.h"
#include "ScriptedPrompts.h"
#include "UiServices.h"
#include "common/UiLanguage.h"
#include "config/ConfigEditor.h"
#include "pages/PageFactory.h"
#include "pages/RefusedOriginsModel.h"
#include "secrets/MemorySecretStore.h"
#include "usage/UsageRecorder.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

using namespace onegate;

namespace {

const char kSampleConfig[] = R"({
  "listen": "127.0.0.1:4141",
  "ollama": { "listen": "127.0.0.1:11435" },
  "auth": { "required": true },
  "cors": { "origins": ["https://chat.example.org"] },
  "access_keys": [
    { "name": "vscode", "key": "keychain:access/vscode", "models": ["*"],
      "rpm": 60, "max_concurrent": 4, "budget": { "monthly": 20 } },
    { "name": "ci", "key": "keychain:access/ci", "models": ["deepseek-chat", "smart"],
      "expires": "2030-01-31T00:00:00Z", "tpm": 200000 }
  ],
  "providers": [
    { "id": "openai", "kind": "openai", "base_url": "https://api.openai.com/v1",
      "api_key": "keychain:provider/openai", "models": ["gpt-4o-mini", "gpt-4o"] },
    { "id": "deepseek", "kind": "openai", "base_url": "https://api.deepseek.com/v1",
      "api_key": "keychain:provider/deepseek", "models": ["deepseek-chat", "deepseek-reasoner"] },
    { "id": "claude", "kind": "anthropic", "base_url": "https://api.anthropic.com",
      "api_key": "env:ONEGATE_TOUR_UNSET_KEY", "models": ["claude-sonnet-4-5"] },
    { "id": "local", "kind": "ollama", "base_url": "http://127.0.0.1:11434", "proxy": "none",
      "models": ["qwen3:8b"] }
  ],
  "models": [
    { "id": "smart", "routes": [
        { "provider": "claude", "model": "claude-sonnet-4-5", "priority": 0 },
        { "provider": "openai", "model": "gpt-4o", "priority": 1 } ] },
    { "id": "gpt-4o", "context_window": 128000,
      "prices": { "input": 2.5, "output": 10, "cache_read": 1.25 } }
  ]
})";

// File names: the page's position and an ASCII slug of its English title.
QString slug(int index, const QString &title)
{
    QString name;
    for (const QChar c : title.toLower()) {
        if (c.isLetterOrNumber())
            name += c;
        else if (!name.endsWith(QLatin1Char('-')))
            name += QLatin1Char('-');
    }
    return QStringLiteral("%1-%2").arg(index + 1).arg(name);
}

// A month of use the gateway reads back at start, so the Access keys page shows spending:
// vscode spent 3.20 on gpt-4o (priced) and made 7 requests to deepseek-chat (no price).
void recordSampleMonth(UsageRecorder &usage)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < 47; ++i) {
        UsageRecord row;
        row.timeMs = now - (i + 1) * 1000;
        row.accessKey = QStringLiteral("vscode");
        const bool priced = i < 40;
        row.requestedModel = priced ? QStringLiteral("gpt-4o") : QStringLiteral("deepseek-chat");
        row.provider = priced ? QStringLiteral("openai") : QStringLiteral("deepseek");
        row.upstreamModel = row.requestedModel;
        row.status = 200;
        row.promptTokens = 10'000;    // 40 x 10,000 at 2.50 per million: 1.00
        row.completionTokens = 5'500; // 40 x 5,500 at 10.00 per million: 2.20
        usage.record(row);
    }
    usage.flush();
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("onegate-tour"));
    const QString outDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("screenshots");
    QDir().mkpath(outDir);

    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
    const QString configPath = home.filePath(QStringLiteral("config.json"));
    QFile file(configPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(kSampleConfig) < 0)
        return 1;
    file.close();

    MemorySecretStore secrets;
    secrets.write(QStringLiteral("provider/openai"), "sk-test-tour-openai-5f3a9c");
    secrets.write(QStringLiteral("provider/deepseek"), "sk-test-tour-deepseek-77b1");
    secrets.write(QStringLiteral("access/vscode"), "og-test-tour-vscode-0000000000000000000000");
    secrets.write(QStringLiteral("access/ci"), "og-test-tour-ci-00000000000000000000000000");
    ConfigEditor editor(configPath, &secrets);
    const ConfigResult loaded = editor.load();
    if (!loaded.ok()) {
        std::fprintf(stderr, "%s\n", qUtf8Printable(loaded.error.toString()));
        return 1;
    }
    UsageRecorder usage;
    usage.open(home.filePath(QStringLiteral("usage.db")));
    recordSampleMonth(usage);
    GatewayService gateway;
    auto running = std::make_shared<Config>(*editor.config());
    running->listenPort = 0;  // never collide with a real OneGate on 4141
    running->ollama.port = 0;
    gateway.start(running, &usage);
    QObject::connect(&editor, &ConfigEditor::changed, &gateway,
                     [&gateway](const std::shared_ptr<const Config> &config) { gateway.applyConfig(config); });

    // Browser origins refused so far, as a web-view app and a dev server would be.
    RefusedOriginsModel refused;
    QObject::connect(&gateway, &GatewayService::originRefused, &refused, &RefusedOriginsModel::record);
    refused.record(QStringLiteral("http://localhost:5173"), QStringLiteral("127.0.0.1"));
    for (int i = 0; i < 3; ++i)
        refused.record(QStringLiteral("vscode-webview://1f0c2b9e7d5a4c3b"), QStringLiteral("127.0.0.1"));

    test::ScriptedPrompts prompts;
    const UiServices services{&editor, &secrets, &gateway, &prompts, home.path(), &refused};
    MainWindow window;
    for (Page *page : createPages(services))
        window.addPage(page);
    window.resize(1040, 680);
    window.show();

    QStringList written;
    for (const QString &language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
        UiLanguage::apply(language);
        for (int i = 0; i < window.pageCount(); ++i) {
            window.showPage(i);
            QTest::qWait(400);  // let pages settle (probes, usage reads)
            // English slugs in both languages, so the files pair up.
            UiLanguage::apply(QStringLiteral("en"));
            const QString name = slug(i, window.page(i)->title());
            UiLanguage::apply(language);
            QTest::qWait(100);
            const QString path = QDir(outDir).filePath(name + QLatin1Char('-') + language + QStringLiteral(".png"));
            window.grab().save(path);
            written.append(path);
        }
    }
    for (const QString &path : written)
        std::printf("%s\n", qUtf8Printable(path));
    gateway.shutdown(0);
    return 0;
}
