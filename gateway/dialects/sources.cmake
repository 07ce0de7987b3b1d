target_sources(onegate_gateway PRIVATE
    dialects/ClientDialect.h dialects/ClientDialect.cpp
    dialects/ChatChunkReader.h dialects/ChatChunkReader.cpp
    dialects/RelayOutput.h dialects/RelayOutput.cpp
    dialects/OpenAiFieldTypes.h
    dialects/OpenAiChatDialect.h dialects/OpenAiChatDialect.cpp
    dialects/AnthropicMessagesClient.h dialects/AnthropicMessagesClient.cpp
    dialects/AnthropicTokenEstimate.h dialects/AnthropicTokenEstimate.cpp
    dialects/AnthropicAnswerEncoder.h dialects/AnthropicAnswerEncoder.cpp
    dialects/AnthropicStreamEncoder.h dialects/AnthropicStreamEncoder.cpp
    dialects/AnthropicRequestDecoder.h dialects/AnthropicRequestDecoder.cpp)
target_sources(onegate_gateway PRIVATE dialects/OpenAiResponsesRequestDecoder.h dialects/OpenAiResponsesRequestDecoder.cpp)
target_sources(onegate_gateway PRIVATE dialects/OpenAiResponsesAnswerEncoder.h dialects/OpenAiResponsesAnswerEncoder.cpp dialects/OpenAiResponsesStreamEncoder.h dialects/OpenAiResponsesStreamEncoder.cpp dialects/OpenAiResponsesClient.h dialects/OpenAiResponsesClient.cpp)
target_sources(onegate_gateway PRIVATE dialects/OpenAiCompletionsRequestDecoder.h dialects/OpenAiCompletionsRequestDecoder.cpp dialects/OpenAiCompletionsStreamEncoder.h dialects/OpenAiCompletionsStreamEncoder.cpp dialects/OpenAiCompletionsClient.h dialects/OpenAiCompletionsClient.cpp)
target_sources(onegate_gateway PRIVATE dialects/OpenAiEmbeddingsDialect.h dialects/OpenAiEmbeddingsDialect.cpp)
target_sources(onegate_gateway PRIVATE dialects/ModelDescriptions.h dialects/ModelDescriptions.cpp)
target_sources(onegate_gateway PRIVATE dialects/OllamaErrors.h dialects/OllamaErrors.cpp dialects/OllamaEmbedDialect.h dialects/OllamaEmbedDialect.cpp)
target_sources(onegate_gateway PRIVATE dialects/OllamaRequestDecoder.h dialects/OllamaRequestDecoder.cpp dialects/OllamaChatClient.h dialects/OllamaChatClient.cpp)
target_sources(onegate_gateway PRIVATE dialects/RequestBody.h dialects/RequestBody.cpp)
