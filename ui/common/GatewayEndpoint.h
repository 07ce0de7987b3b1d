#pragma once

#include <QString>
#include <QUrl>

namespace onegate {

struct Config;

// Where a client on this computer reaches the embedded gateway. A wildcard listen
// address (LAN access) is not something a client can connect to, and "localhost" may
// resolve to ::1 while the gateway listens on 127.0.0.1 only, so both become the
// loopback address; a specific address is used as it is. `port` is the port actually
// serving, which differs from the config's when it asked for port 0.
QString gatewayClientHost(const Config &config);
// http://HOST:PORT, what clients that append the API path themselves want (Claude Code).
QUrl gatewayOrigin(const Config &config, quint16 port);
// http://HOST:PORT/v1, the base URL of OpenAI-compatible clients and SDKs.
QUrl gatewayApiBase(const Config &config, quint16 port);
// http://HOST:PORT of the Ollama-compatible surface (config `ollama.listen`), for clients
// that take an Ollama URL (Copilot, JetBrains).
QUrl ollamaOrigin(const Config &config);

} // namespace onegate
