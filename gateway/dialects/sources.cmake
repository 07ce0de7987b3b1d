target_sources(onegate_gateway PRIVATE
    dialects/OpenAiChatDialect.h dialects/OpenAiChatDialect.cpp
    dialects/AnthropicAnswerEncoder.h dialects/AnthropicAnswerEncoder.cpp
    dialects/AnthropicStreamEncoder.h dialects/AnthropicStreamEncoder.cpp
    dialects/AnthropicRequestDecoder.h dialects/AnthropicRequestDecoder.cpp)
