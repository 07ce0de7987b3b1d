# The Connect a client and Settings pages, against a running GatewayService and
# FakeUpstream (tst_ui_connect_gateway.h).
onegate_add_test(NAME tst_ui_connect SOURCES tst_ui_connect.cpp tst_ui_connect_gateway.h
                 LIBS onegate_ui onegate_ui_test_support onegate_test_support Qt6::Widgets
                 LABELS ui)

onegate_add_test(NAME tst_ui_settings SOURCES tst_ui_settings.cpp tst_ui_connect_gateway.h
                 LIBS onegate_ui onegate_ui_test_support onegate_test_support Qt6::Widgets
                 LABELS ui)
# A two-string translation, so the test sees the UI switch language live without the
# real translations (they come from translations/ and may not be built yet).
qt_add_lrelease(tst_ui_settings TS_FILES ${CMAKE_CURRENT_SOURCE_DIR}/i18n/onegate_zh_CN.ts
                NO_GLOBAL_TARGET QM_FILES_OUTPUT_VARIABLE tst_ui_settings_qm)
target_compile_definitions(tst_ui_settings PRIVATE
    TEST_QM_DIR="${CMAKE_CURRENT_BINARY_DIR}")
