// One OneGate per user and config: a second launch finds the first, asks it to come to
// the front, and leaves; a different config is a different instance.

#include "SingleInstance.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace onegate;

class SingleInstanceTest final : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void secondLaunchRaisesTheFirst();
    void otherConfigIsAnotherInstance();
};

void SingleInstanceTest::secondLaunchRaisesTheFirst()
{
    const QString key = QUuid::createUuid().toString();
    SingleInstance first(key);
    QVERIFY(!first.notifyRunningInstance());  // nobody yet
    QVERIFY2(first.listen(), qPrintable(first.errorString()));
    QSignalSpy raised(&first, &SingleInstance::activationRequested);

    SingleInstance second(key);
    QVERIFY(second.notifyRunningInstance());
    QVERIFY(raised.wait(5000));
    QCOMPARE(raised.size(), 1);
}

void SingleInstanceTest::otherConfigIsAnotherInstance()
{
    SingleInstance first(QUuid::createUuid().toString());
    QVERIFY(first.listen());
    SingleInstance other(QUuid::createUuid().toString());
    QVERIFY(first.serverName() != other.serverName());
    QVERIFY(!other.notifyRunningInstance());
}

QTEST_GUILESS_MAIN(SingleInstanceTest)
#include "tst_ui_single_instance.moc"
