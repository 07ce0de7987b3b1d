target_sources(onegate_gateway PRIVATE
    relay/ChatExchange.h relay/ChatExchange.cpp
    relay/UpstreamAttempt.h relay/UpstreamAttempt.cpp
    relay/CountTokensRelay.h relay/CountTokensRelay.cpp)
