#include "ProviderTemplates.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace onegate {

namespace {

constexpr char kContext[] = "onegate::ProviderTemplates";

using Place = ProviderTemplate::Place;

// The Chinese services' names: translators use the names those companies use in China
// (noted in the translator comments), so users recognise them.
QList<ProviderTemplate> makeTemplates()
{
    constexpr bool key = true;
    constexpr bool noKey = false;
    // clang-format off
    return {
        {u"openai"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "OpenAI"),
         ProviderKind::OpenAi, u"https://api.openai.com/v1"_s, Place::Cloud, key, {}},
        {u"anthropic"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Anthropic"),
         ProviderKind::Anthropic, u"https://api.anthropic.com"_s, Place::Cloud, key, {}},
        {u"gemini"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Google Gemini"),
         ProviderKind::Gemini, u"https://generativelanguage.googleapis.com"_s, Place::Cloud, key,
         {}},
        {u"azure"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Azure OpenAI"),
         ProviderKind::Azure, u"https://YOUR-RESOURCE.openai.azure.com"_s, Place::Cloud, key,
         u"YOUR-RESOURCE"_s},
        //: Known in China as 深度求索 (DeepSeek); the brand name DeepSeek is usually kept.
        {u"deepseek"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "DeepSeek"),
         ProviderKind::OpenAi, u"https://api.deepseek.com/v1"_s, Place::Cloud, key, {}},
        //: Known in China as 月之暗面 Kimi. The URL is the China endpoint (api.moonshot.cn).
        {u"moonshot"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Moonshot AI (Kimi)"),
         ProviderKind::OpenAi, u"https://api.moonshot.cn/v1"_s, Place::Cloud, key, {}},
        //: Known in China as 通义千问 (阿里云百炼 DashScope, OpenAI 兼容模式).
        {u"qwen"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates",
                                      "Qwen (Alibaba Cloud DashScope, compatible mode)"),
         ProviderKind::OpenAi, u"https://dashscope.aliyuncs.com/compatible-mode/v1"_s, Place::Cloud,
         key, {}},
        //: Known in China as 智谱 AI (GLM), platform 智谱开放平台 BigModel.
        {u"zhipu"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Zhipu AI (GLM)"),
         ProviderKind::OpenAi, u"https://open.bigmodel.cn/api/paas/v4"_s, Place::Cloud, key, {}},
        //: Known in China as 硅基流动 (SiliconFlow).
        {u"siliconflow"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "SiliconFlow"),
         ProviderKind::OpenAi, u"https://api.siliconflow.cn/v1"_s, Place::Cloud, key, {}},
        {u"openrouter"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "OpenRouter"),
         ProviderKind::OpenAi, u"https://openrouter.ai/api/v1"_s, Place::Cloud, key, {}},
        {u"groq"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Groq"),
         ProviderKind::OpenAi, u"https://api.groq.com/openai/v1"_s, Place::Cloud, key, {}},
        {u"mistral"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Mistral AI"),
         ProviderKind::OpenAi, u"https://api.mistral.ai/v1"_s, Place::Cloud, key, {}},
        {u"xai"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "xAI (Grok)"),
         ProviderKind::OpenAi, u"https://api.x.ai/v1"_s, Place::Cloud, key, {}},
        {u"ollama"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Ollama"),
         ProviderKind::Ollama, u"http://127.0.0.1:11434"_s, Place::Local, noKey, {}},
        {u"lmstudio"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "LM Studio"),
         ProviderKind::OpenAi, u"http://127.0.0.1:1234/v1"_s, Place::Local, noKey, {}},
        {u"vllm"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "vLLM"),
         ProviderKind::OpenAi, u"http://127.0.0.1:8000/v1"_s, Place::Local, noKey, {}},
        {u"llamacpp"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "llama.cpp server"),
         ProviderKind::OpenAi, u"http://127.0.0.1:8080/v1"_s, Place::Local, noKey, {}},
        // Jan's local server refuses requests without the API key set in its settings.
        {u"jan"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates", "Jan"),
         ProviderKind::OpenAi, u"http://127.0.0.1:1337/v1"_s, Place::Local, key, {}},
        {u"custom"_s, QT_TRANSLATE_NOOP("onegate::ProviderTemplates",
                                        "Custom OpenAI-compatible server"),
         ProviderKind::OpenAi, {}, Place::Custom, noKey, {}},
    };
    // clang-format on
}

} // namespace

QString ProviderTemplate::displayName() const
{
    return QCoreApplication::translate(kContext, name);
}

const QList<ProviderTemplate> &providerTemplates()
{
    static const QList<ProviderTemplate> templates = makeTemplates();
    return templates;
}

const ProviderTemplate *findProviderTemplate(const QString &id)
{
    for (const ProviderTemplate &candidate : providerTemplates()) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

QString providerKindDisplayName(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::OpenAi:
        return QCoreApplication::translate("onegate::ProviderTemplates", "OpenAI-compatible");
    case ProviderKind::Azure:
        return QCoreApplication::translate("onegate::ProviderTemplates", "Azure OpenAI");
    case ProviderKind::Anthropic:
        return QCoreApplication::translate("onegate::ProviderTemplates", "Anthropic");
    case ProviderKind::Gemini:
        return QCoreApplication::translate("onegate::ProviderTemplates", "Google Gemini");
    case ProviderKind::Ollama:
        return QCoreApplication::translate("onegate::ProviderTemplates", "Ollama");
    }
    return {};
}

} // namespace onegate
