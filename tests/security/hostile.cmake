# tst_hostile_requests: hostile and malformed requests over raw sockets to the real
# `onegate --headless`, in front of the fake_upstream test server (both run as processes).
onegate_add_test(NAME tst_hostile_requests SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_hostile_requests.cpp
                 LIBS onegate_test_support Qt6::Network LABELS security)
target_compile_definitions(tst_hostile_requests PRIVATE
    ONEGATE_BIN="$<TARGET_FILE:onegate>"
    FAKE_UPSTREAM_BIN="$<TARGET_FILE:fake_upstream>")
add_dependencies(tst_hostile_requests onegate fake_upstream)
# One row waits out the server's 10 s header deadline (a slow-loris client).
set_tests_properties(tst_hostile_requests PROPERTIES TIMEOUT 180)
