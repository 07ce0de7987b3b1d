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
    target_compile_options(onegate_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(onegate_options INTERFACE -fsanitize=address,undefined)
endif()
