# tst_secret_leaks: the real onegate binary through a full session against in-process fake
# upstreams (tests/support), then every output searched for every provider and access key.
onegate_add_test(NAME tst_secret_leaks SOURCES tst_secret_leaks.cpp
                 LIBS onegate_test_support Qt6::Network Qt6::Sql LABELS security)
target_compile_definitions(tst_secret_leaks PRIVATE ONEGATE_BIN="$<TARGET_FILE:onegate>")
add_dependencies(tst_secret_leaks onegate)
set_tests_properties(tst_secret_leaks PROPERTIES TIMEOUT 300)

# The redaction every provider answer goes through (adapters/core/SecretRedaction.h).
onegate_add_test(NAME tst_secret_redaction SOURCES tst_secret_redaction.cpp
                 LIBS onegate_adapters LABELS security)
