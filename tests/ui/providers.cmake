# The Providers page: templates, edits, keys in a fake keychain, removal, Test connection
# and Fetch models through a running GatewayService, local server detection against
# FakeUpstream instances.
onegate_add_test(NAME tst_ui_providers SOURCES tst_ui_providers.cpp
                 LIBS onegate_ui onegate_ui_test_support onegate_test_support Qt6::Widgets
                 LABELS ui)
