#pragma once

#include "CommandLine.h"

namespace onegate {

// Runs the gateway without a GUI: loads the config, resolves secrets, opens usage.db,
// starts the gateway on its own thread, and shuts down cleanly on SIGINT/SIGTERM.
// Returns the process exit code (CONTRACT.md section 1: 2 config error, 3 port in use).
int runHeadless(const CommandLine &commandLine);

} // namespace onegate
