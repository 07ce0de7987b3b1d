target_sources(onegate_adapters PRIVATE
    openai/OpenAiAdapter.h openai/OpenAiAdapter.cpp
    openai/OpenAiChatCodec.h openai/OpenAiChatCodec.cpp
    openai/OpenAiStreamDecoder.h openai/OpenAiStreamDecoder.cpp
    openai/OpenAiStreamEncoder.h openai/OpenAiStreamEncoder.cpp
    openai/OpenAiResponsesCodec.h openai/OpenAiResponsesCodec.cpp
    openai/OpenAiCompletionsCodec.h openai/OpenAiCompletionsCodec.cpp
    openai/OpenAiEmbeddingsCodec.h openai/OpenAiEmbeddingsCodec.cpp)
