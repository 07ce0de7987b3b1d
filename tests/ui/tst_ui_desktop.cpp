// The desktop app as a user starts it: the real `onegate` binary in GUI mode (offscreen
// platform), which must start its embedded gateway and answer on the configured port,
// and end cleanly on SIGTERM.

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

int getStatus(QNetworkAccessManager &network, const QString &url, const QByteArray &key = {})
{
    QNetworkRequest request{QUrl(url)};
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key);
    QNetworkReply *reply = network.get(request);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000))
        return 0;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

} // namespace

class DesktopAppTest final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void guiStartsTheGatewayAndItAnswers();
};

void DesktopAppTest::guiStartsTheGatewayAndItAnswers()
{
    QTemporaryDir home;
    const quint16 port = freePort();
    QFile config(home.filePath(u"config.json"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral(R"({ "listen": "127.0.0.1:%1",
        "access_keys": [ { "name": "desk", "key": "env:ONEGATE_DESKTOP_TEST_KEY" } ] })")
                     .arg(port)
                     .toUtf8());
    config.close();

    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);  // GUI mode without a display server
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"xdg-config"_s));
    env.insert(u"XDG_DATA_HOME"_s, home.filePath(u"xdg-data"_s));
    env.insert(u"ONEGATE_DESKTOP_TEST_KEY"_s, u"og-test-desktop-key"_s);
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    app.start(QStringLiteral(ONEGATE_BIN),
              {u"--config"_s, config.fileName(), u"--data-dir"_s, home.filePath(u"data"_s)});
    QVERIFY(app.waitForStarted());

    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy::NoProxy);
    const QString base = u"http://127.0.0.1:%1"_s.arg(port);
    QVERIFY2(QTest::qWaitFor([&] { return getStatus(network, base + u"/health"_s) == 200; }, 15000),
             "the desktop app's gateway never answered /health");
    QCOMPARE(getStatus(network, base + u"/v1/models"_s), 401);
    QCOMPARE(getStatus(network, base + u"/v1/models"_s, "og-test-desktop-key"), 200);
    QVERIFY(QFile::exists(home.filePath(u"data/usage.db"_s)));

    app.terminate();
    QVERIFY(app.waitForFinished(10000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);
}

QTEST_GUILESS_MAIN(DesktopAppTest)
#include "tst_ui_desktop.moc"
