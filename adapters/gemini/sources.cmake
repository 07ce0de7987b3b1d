target_sources(onegate_adapters PRIVATE
    gemini/GeminiAdapter.h gemini/GeminiAdapter.cpp
    gemini/GeminiRequest.h gemini/GeminiRequest.cpp
    gemini/GeminiResponse.h gemini/GeminiResponse.cpp
    gemini/GeminiStreamDecoder.h gemini/GeminiStreamDecoder.cpp
    gemini/GeminiEmbeddingsCodec.h gemini/GeminiEmbeddingsCodec.cpp)
