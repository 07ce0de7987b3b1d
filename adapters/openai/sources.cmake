target_sources(onegate_adapters PRIVATE
    openai/OpenAiAdapter.h openai/OpenAiAdapter.cpp
    openai/OpenAiStreamDecoder.h openai/OpenAiStreamDecoder.cpp)
