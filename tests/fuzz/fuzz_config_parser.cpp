// The config parser (gateway/config): any document is either a Config or an error that
// names where it went wrong, and a parsed config's listen address can be overridden.
#include "FuzzSupport.h"

#include "config/ConfigParser.h"

using namespace onegate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ConfigResult result = parseConfig(fuzz::input(data, size).toByteArray(), QStringLiteral("config.json"));
    if (!result.ok()) {
        if (result.error.message.isEmpty())
            fuzz::fail("a refused config without a message");
        return 0;
    }
    overrideListen(*result.config, QStringLiteral("127.0.0.1:0"));
    return 0;
}
