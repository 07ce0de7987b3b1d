#include "config/ConfigParser.h"
#include "secrets/KeychainSecretStore.h"

#include <QTest>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

// Entries this test writes; with-keyring.sh gives it a keyring of its own, so these can
// never collide with a user's real entries.
const QString kEntry = u"onegate-test/alpha"_s;
const QString kMissing = u"onegate-test/never-written"_s;

const QString kNoSessionBus =
    u"the system keychain (Secret Service) is not reachable: no D-Bus session. Start a "
    u"keyring such as gnome-keyring, or use env:NAME references instead"_s;

bool inThrowawayKeyring()
{
    return qEnvironmentVariableIsSet("ONEGATE_THROWAWAY_KEYRING");
}

const char *const kThrowawayHint =
    "run this through tests/secrets/with-keyring.sh (ctest does), so the user's own "
    "keychain is never written to";

} // namespace

class TestKeychain final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void explainError_data();
    void explainError();
    void writeReadRemove();
    void readMissing();
    void emptyNames();
    void resolveThroughKeychain();
    void noSessionBus();
};

void TestKeychain::explainError_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<QString>("errorString");
    QTest::addColumn<QString>("expected");

    const QString noSecretService =
        u"the system keychain (Secret Service) is not reachable: no keyring is running on the "
        u"D-Bus session. Start a keyring such as gnome-keyring, or use env:NAME references "
        u"instead"_s;
    const QString denied =
        u"the keychain is locked or access was denied: unlock it and try again"_s;

    QTest::newRow("no error") << int(QKeychain::NoError) << QString() << QString();
    QTest::newRow("entry not found") << int(QKeychain::EntryNotFound) << u"Entry not found"_s
                                     << u"no entry named provider/x in the OneGate keychain"_s;
    QTest::newRow("access denied") << int(QKeychain::AccessDenied) << u"locked"_s << denied;
    QTest::newRow("denied by user") << int(QKeychain::AccessDeniedByUser) << QString() << denied;
    QTest::newRow("no backend")
        << int(QKeychain::NoBackendAvailable) << QString()
        << u"no system keychain is available: start a keyring such as gnome-keyring, or use "
           u"env:NAME references instead"_s;
    QTest::newRow("not implemented")
        << int(QKeychain::NotImplemented) << QString()
        << u"the system keychain does not support this operation: use env:NAME references "
           u"instead"_s;
    QTest::newRow("bus socket missing") << int(QKeychain::OtherError)
                                        << u"Could not connect: No such file or directory"_s
                                        << kNoSessionBus;
    QTest::newRow("no autolaunch") << int(QKeychain::OtherError)
                                   << u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s
                                   << kNoSessionBus;
    QTest::newRow("no secret service")
        << int(QKeychain::OtherError)
        << u"GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name "
           u"org.freedesktop.secrets was not provided by any .service files"_s
        << noSecretService;
    QTest::newRow("other")
        << int(QKeychain::OtherError)
        << u"Object does not exist at path /org/freedesktop/secrets/collection/login"_s
        << u"the system keychain reported an error (Object does not exist at path "
           u"/org/freedesktop/secrets/collection/login): check that a keyring such as "
           u"gnome-keyring is running and unlocked, or use env:NAME references instead"_s;
}

void TestKeychain::explainError()
{
    QFETCH(int, error);
    QFETCH(QString, errorString);
    QFETCH(QString, expected);

    QCOMPARE(KeychainSecretStore::explainError(error, errorString, u"provider/x"_s), expected);
}

void TestKeychain::writeReadRemove()
{
    QVERIFY2(inThrowawayKeyring(), kThrowawayHint);
    KeychainSecretStore store;

    QCOMPARE(store.write(kEntry, "sk-test-first"_ba), QString());
    SecretReadResult read = store.read(kEntry);
    QCOMPARE(read.error, QString());
    QCOMPARE(read.value, "sk-test-first"_ba);

    QCOMPARE(store.write(kEntry, "sk-test-second"_ba), QString());
    read = store.read(kEntry);
    QCOMPARE(read.error, QString());
    QCOMPARE(read.value, "sk-test-second"_ba);

    QCOMPARE(store.remove(kEntry), QString());
    read = store.read(kEntry);
    QCOMPARE(read.error, u"no entry named onegate-test/alpha in the OneGate keychain"_s);
    QVERIFY(read.value.isEmpty());

    // Removing again leaves the keychain as asked, so it is not an error.
    QCOMPARE(store.remove(kEntry), QString());
}

void TestKeychain::readMissing()
{
    QVERIFY2(inThrowawayKeyring(), kThrowawayHint);
    KeychainSecretStore store;

    const SecretReadResult read = store.read(kMissing);
    QVERIFY(!read.ok());
    QCOMPARE(read.error, u"no entry named onegate-test/never-written in the OneGate keychain"_s);
    QVERIFY(read.value.isEmpty());
}

void TestKeychain::emptyNames()
{
    KeychainSecretStore store;
    QCOMPARE(store.read({}).error, u"a keychain entry needs a name"_s);
    QCOMPARE(store.write({}, "x"_ba), u"a keychain entry needs a name"_s);
    QCOMPARE(store.remove({}), u"a keychain entry needs a name"_s);
    QCOMPARE(store.write(kEntry, {}), u"refusing to store an empty secret"_s);
}

void TestKeychain::resolveThroughKeychain()
{
    QVERIFY2(inThrowawayKeyring(), kThrowawayHint);
    KeychainSecretStore store;
    QCOMPARE(store.write(kEntry, "sk-test-resolved"_ba), QString());

    ConfigResult parsed = parseConfig(R"({"providers":[{"id":"p","kind":"anthropic",
        "base_url":"https://h.example","api_key":["keychain:onegate-test/alpha",
        "keychain:onegate-test/never-written"]}]})"_ba,
                                      u"config.json"_s);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error.toString()));
    const QStringList warnings = resolveSecrets(*parsed.config, store);
    QCOMPARE(store.remove(kEntry), QString());

    const QList<SecretValue> &keys = parsed.config->providers[0].apiKeys;
    QCOMPARE(keys[0].value, "sk-test-resolved"_ba);
    QVERIFY(keys[1].value.isEmpty());
    QCOMPARE(warnings, QStringList{u"providers[0].api_key[1]: no entry named "
                                   u"onegate-test/never-written in the OneGate keychain"_s});
}

void TestKeychain::noSessionBus()
{
    // The session bus is process-wide and cached once connected, so this runs only in
    // processes ctest starts without one (tst_keychain_nodbus, tst_keychain_noautolaunch).
    if (!qEnvironmentVariableIsSet("ONEGATE_EXPECT_NO_BUS"))
        QSKIP("runs as tst_keychain_nodbus / tst_keychain_noautolaunch under ctest");
    KeychainSecretStore store;

    const SecretReadResult read = store.read(kEntry);
    QCOMPARE(read.error, kNoSessionBus);
    QVERIFY(read.value.isEmpty());
    QCOMPARE(store.write(kEntry, "sk-never-stored"_ba), kNoSessionBus);
}

} // namespace onegate

QTEST_GUILESS_MAIN(onegate::TestKeychain)
#include "tst_keychain.moc"
