target_sources(onegate_adapters PRIVATE
    core/ApiError.h
    core/Canonical.h core/Canonical.cpp
    core/EmbeddingVectors.h core/EmbeddingVectors.cpp
    core/ProviderAdapter.h core/ProviderAdapter.cpp
    core/ProviderSettings.h core/ProviderSettings.cpp
    core/SecretRedaction.h core/SecretRedaction.cpp
    core/SseParser.h core/SseParser.cpp
    core/NdjsonParser.h core/NdjsonParser.cpp
    core/HttpResponseParser.h core/HttpResponseParser.cpp
    core/HttpConnection.h core/HttpConnection.cpp
    core/HttpConnectionPool.h core/HttpConnectionPool.cpp
    core/UpstreamCall.h core/UpstreamCall.cpp
    core/NetworkReplyCall.h core/NetworkReplyCall.cpp
    core/PooledUpstreamCall.h core/PooledUpstreamCall.cpp
    core/ProviderTransport.h core/ProviderTransport.cpp)
