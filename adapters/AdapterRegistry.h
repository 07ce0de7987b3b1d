#pragma once

#include "core/ProviderSettings.h"

namespace onegate {

class ProviderAdapter;

// The adapter for a provider kind, or nullptr while that kind has none yet.
// Adapters are stateless singletons owned here.
const ProviderAdapter *adapterFor(ProviderKind kind);

} // namespace onegate
