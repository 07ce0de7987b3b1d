target_sources(onegate_gateway PRIVATE
    relay/ChatExchange.h relay/ChatExchange.cpp)
