target_sources(onegate_gateway PRIVATE
    dialects/OpenAiChatDialect.h dialects/OpenAiChatDialect.cpp)
