target_sources(onegate_gateway PRIVATE
    cache/CacheEntry.h
    cache/ResponseCache.h cache/ResponseCache.cpp
    cache/StreamCapture.h cache/StreamCapture.cpp
    cache/CachedAnswer.h cache/CachedAnswer.cpp)
