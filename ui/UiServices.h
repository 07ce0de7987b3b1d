#pragma once

#include <QString>

namespace onegate {

class ConfigEditor;
class GatewayService;
class RefusedOriginsModel;
class SecretStore;
class UserPrompts;

// What the shell hands every page: the one way to read and change the config, the
// keychain, the running gateway, and the dialog seam. Owned by DesktopApp (the
// composition root); pages only borrow them. Tests build the same set with a fake
// SecretStore and a scripted UserPrompts.
struct UiServices {
    ConfigEditor *config = nullptr;
    SecretStore *secrets = nullptr;
    GatewayService *gateway = nullptr;
    UserPrompts *prompts = nullptr;
    QString dataDir;
    // Browser origins the gateway refused since the app started (null: not followed).
    RefusedOriginsModel *refusedOrigins = nullptr;
};

} // namespace onegate
