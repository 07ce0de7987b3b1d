#include "PageFactory.h"

#include "Page.h"
#include "AccessKeysPage.h"
#include "ConnectPage.h"
#include "ModelsPage.h"
#include "ProvidersPage.h"
#include "SettingsPage.h"
#include "UiServices.h"

namespace onegate {

QList<Page *> createPages(const UiServices &services)
{
    // Navigation order: Providers, Models, Access keys, Connect a client, Settings.
    return {new ProvidersPage(services), new ModelsPage(services), new AccessKeysPage(services),
            new ConnectPage(services), new SettingsPage(services)};
}

} // namespace onegate
