target_sources(onegate_adapters PRIVATE
    anthropic/AnthropicAdapter.h anthropic/AnthropicAdapter.cpp
    anthropic/AnthropicHttp.h anthropic/AnthropicHttp.cpp
    anthropic/AnthropicMessagesCodec.h anthropic/AnthropicMessagesCodec.cpp
    anthropic/AnthropicRequest.h anthropic/AnthropicRequest.cpp
    anthropic/AnthropicResponse.h anthropic/AnthropicResponse.cpp
    anthropic/AnthropicStreamDecoder.h anthropic/AnthropicStreamDecoder.cpp
    anthropic/AnthropicToolIds.h anthropic/AnthropicToolIds.cpp)
