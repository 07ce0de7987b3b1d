# The Models and Access keys pages: edits through a real ConfigEditor, a running
# GatewayService that must follow them, and usage read from a real usage.db.
onegate_add_test(NAME tst_ui_models SOURCES tst_ui_models.cpp
                 LIBS onegate_ui onegate_ui_test_support onegate_test_support Qt6::Widgets
                 LABELS ui)
onegate_add_test(NAME tst_ui_access_keys SOURCES tst_ui_access_keys.cpp
                 LIBS onegate_ui onegate_ui_test_support onegate_test_support Qt6::Widgets
                 LABELS ui)
