#include <QCoreApplication>
#ifdef WITH_WEBSOCKETS
#include <QWebSocket>
#endif

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
#ifdef WITH_WEBSOCKETS
    QWebSocket socket;  // really used, so the link keeps the library
#endif
    return 0;
}
