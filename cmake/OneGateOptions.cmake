# One INTERFACE target carries the warnings and Qt hygiene defines every OneGate
# target links, so no folder can quietly build with weaker settings.
add_library(onegate_options INTERFACE)
add_library(OneGate::options ALIAS onegate_options)

target_compile_features(onegate_options INTERFACE cxx_std_20)
target_compile_options(onegate_options INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
    -Wformat=2)
if(ONEGATE_WERROR)
    target_compile_options(onegate_options INTERFACE -Werror)
endif()
target_compile_definitions(onegate_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    QT_NO_FOREACH
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    ONEGATE_VERSION="${PROJECT_VERSION}")
if(ONEGATE_SANITIZE)
    # Every runtime error fails the test that hit it: UBSan aborts as ASan does, instead
    # of printing and going on. The asan-ubsan test preset's *SAN_OPTIONS do the rest.
    target_compile_options(onegate_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(onegate_options INTERFACE -fsanitize=address,undefined)
endif()
if(ONEGATE_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "ONEGATE_FUZZ needs clang and its libFuzzer (the asan-ubsan preset has both)")
endif()

# lld links the sixty-odd executables (tests, fakes, fuzzers) several times faster than
# GNU ld: tst_gateway_e2e took 1.1 s of CPU against 4.5 s. .ci/deps installs it; a
# machine without it links with its default linker.
include(CheckLinkerFlag)
check_linker_flag(CXX -fuse-ld=lld ONEGATE_HAVE_LLD)
if(ONEGATE_HAVE_LLD)
    target_link_options(onegate_options INTERFACE -fuse-ld=lld)
endif()

# Qt's headers are most of what each OneGate file compiles (a gateway file spent two thirds
# of its compile time in them). Each library precompiles the ones its files share, plus
# `extra`, once. The dev preset turns this off (CMAKE_DISABLE_PRECOMPILE_HEADERS): there
# every file still builds from its own includes, and ccache caches each one on its own.
function(onegate_precompile_headers target)
    target_precompile_headers(${target} PRIVATE
        <QByteArray> <QByteArrayView> <QHash> <QJsonArray> <QJsonDocument> <QJsonObject>
        <QJsonValue> <QList> <QObject> <QPointer> <QString> <QStringList> <QTimer>
        <functional> <memory> <optional> <variant>
        ${ARGN})
endfunction()
