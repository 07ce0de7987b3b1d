#pragma once

#include "common/AppSettings.h"

namespace onegate {

// Applies the theme chosen on the Settings page to the whole application, live.
// Light and Dark use the Fusion style, which honours a palette on every platform;
// System puts back the style and palette the app started with.
void applyTheme(AppTheme theme);

} // namespace onegate
