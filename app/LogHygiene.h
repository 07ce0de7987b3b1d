#pragma once

namespace onegate {

// Keeps secrets out of Qt's own log output, whatever QT_LOGGING_RULES asks for.
// QHttpServer's `qt.httpserver` categories print every request at debug level with all
// its headers, so `QT_LOGGING_RULES=*.debug=true` (what a user turns on to report a bug)
// would put access keys (Authorization, x-api-key, api-key) in the log. Those categories
// stay at warnings and above; every other category follows the rules as usual.
// Call once, before any QHttpServer exists.
void installLogHygiene();

} // namespace onegate
