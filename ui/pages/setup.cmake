# Connect a client and Settings pages, and the helpers they share with the shell
# (autostart, UI language and theme, the window's own preferences, the client endpoint,
# the browser origins the gateway refused).
target_sources(onegate_ui PRIVATE
    common/AppSettings.h common/AppSettings.cpp
    common/Autostart.h common/Autostart.cpp
    common/GatewayEndpoint.h common/GatewayEndpoint.cpp
    common/UiLanguage.h common/UiLanguage.cpp
    common/UiTheme.h common/UiTheme.cpp
    pages/ConnectClientModel.h pages/ConnectClientModel.cpp
    pages/ConnectPage.h pages/ConnectPage.cpp
    pages/ConnectSnippets.h pages/ConnectSnippets.cpp
    pages/ConnectTest.h pages/ConnectTest.cpp
    pages/OllamaSurfaceBox.h pages/OllamaSurfaceBox.cpp
    pages/BrowserAccessBox.h pages/BrowserAccessBox.cpp
    pages/RefusedOriginsModel.h pages/RefusedOriginsModel.cpp
    pages/SettingsPage.h pages/SettingsPage.cpp)
