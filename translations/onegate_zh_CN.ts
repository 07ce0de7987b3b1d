<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Autostart</name>
    <message>
        <location filename="../ui/common/Autostart.cpp" line="+87"/>
        <source>The program&apos;s location is not known, so it cannot be started at login.</source>
        <translation>无法确定程序所在的位置，因此无法设为登录时启动。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The program&apos;s location contains a control character and cannot be written to a desktop entry.</source>
        <translation>程序路径包含控制字符，无法写入 .desktop 启动项。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Cannot remove %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
</context>
<context>
    <name>ConnectSnippets</name>
    <message>
        <location filename="../ui/pages/ConnectSnippets.cpp" line="+65"/>
        <source>OpenAI Python SDK</source>
        <translation>OpenAI Python SDK</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OpenAI Node SDK</source>
        <translation>OpenAI Node SDK</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Continue (autocomplete)</source>
        <translation>Continue（自动补全）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GitHub Copilot (as Ollama)</source>
        <translation>GitHub Copilot（Ollama）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>JetBrains AI Assistant (as Ollama)</source>
        <translation>JetBrains AI Assistant（Ollama）</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Add this to ~/.continue/config.yaml; if the file already has a models list, add just the entry to it:</source>
        <translation>将以下内容添加到 ~/.continue/config.yaml；如果文件中已有 models 列表，只需把其中的条目加进去：</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+38"/>
        <source>%1 (OneGate)</source>
        <translation>%1 (OneGate)</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>In the Cline or Roo Code settings (the gear icon), fill in:</source>
        <translation>在 Cline 或 Roo Code 的设置（齿轮图标）中填写：</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Merge this into Zed&apos;s settings.json (command: zed: open settings):</source>
        <translation>将以下内容合并到 Zed 的 settings.json 中（命令：zed: open settings）：</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>API key: enter it for &quot;OneGate&quot; in Zed&apos;s Agent settings, or start Zed from a shell with:</source>
        <translation>API 密钥：在 Zed 的 Agent 设置中为“OneGate”填写，或在终端中这样启动 Zed：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>max_tokens is the model&apos;s context window. Its size is not set on the Models page, so 128000 is assumed: change it to the real size so Zed knows when to truncate.</source>
        <translation>max_tokens 是模型的上下文窗口。“模型”页面上没有设置它的大小，因此假定为 128000：请改为实际大小，以便 Zed 知道何时截断。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+171"/>
        <source>In the IDE, open Settings | Tools | AI Assistant | Models &amp; API keys, and under Third-party AI providers fill in:</source>
        <translation>在 IDE 中打开 Settings | Tools | AI Assistant | Models &amp; API keys，在 Third-party AI providers 下填写：</translation>
    </message>
    <message>
        <location line="-164"/>
        <source>The model is not a provider setting: choose it in the AI Chat model list once the provider is added.</source>
        <translation>模型不在服务商设置中指定：添加服务商后，在 AI Chat 的模型列表中选择。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Run in the shell where you start Aider:</source>
        <translation>在启动 Aider 的终端中运行：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>With the openai package (pip install openai):</source>
        <translation>使用 openai 包（pip install openai）：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>With the openai package (npm install openai), as an ES module:</source>
        <translation>使用 openai 包（npm install openai），以 ES 模块方式：</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>From a shell:</source>
        <translation>在终端中运行：</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>ANTHROPIC_DEFAULT_HAIKU_MODEL is the model Claude Code uses for background work such as titles and summaries. It is the chosen model here; you may set it to a cheaper, faster model that OneGate serves. CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC turns off Claude Code&apos;s telemetry, error reports and automatic updates.</source>
        <translation>ANTHROPIC_DEFAULT_HAIKU_MODEL 是 Claude Code 做后台工作（如生成标题和摘要）时使用的模型。这里设为所选模型；也可以改成 OneGate 提供的更便宜、更快的模型。CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC 会关闭 Claude Code 的遥测、错误报告和自动更新。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>In the shell</source>
        <translation>在终端中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run in the shell where you start Claude Code:</source>
        <translation>在启动 Claude Code 的终端中运行：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>In settings.json</source>
        <translation>在 settings.json 中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add to ~/.claude/settings.json (or to .claude/settings.json in a project); if the file already has an env block, add just these entries to it:</source>
        <translation>添加到 ~/.claude/settings.json（或某个项目中的 .claude/settings.json）；如果文件中已有 env 块，只需把这些条目加进去：</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add to ~/.codex/config.toml:</source>
        <translation>添加到 ~/.codex/config.toml：</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Codex reads the key from this variable; set it in the shell that starts codex:</source>
        <translation>Codex 从这个变量读取密钥；请在启动 codex 的终端中设置：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add this to the models list in ~/.continue/config.yaml:</source>
        <translation>把这段加入 ~/.continue/config.yaml 的 models 列表：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 (OneGate autocomplete)</source>
        <translation>%1（OneGate 自动补全）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Autocomplete asks for many short completions, so a small, fast model works best. When Continue sends the text after the cursor (fill-in-the-middle), only a provider with its own /v1/completions endpoint can answer it; OneGate says so in the error otherwise.</source>
        <translation>自动补全会发出大量简短的补全请求，因此小而快的模型效果最好。当 Continue 发送光标之后的文本（中间填充）时，只有自带 /v1/completions 端点的服务商才能回答；否则 OneGate 会在错误信息中说明。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Add to VS Code&apos;s settings.json (command: Preferences: Open User Settings (JSON)):</source>
        <translation>加入 VS Code 的 settings.json（命令：Preferences: Open User Settings (JSON)）：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Then, in the Copilot Chat model picker, choose Manage Models..., pick Ollama and tick %1. Copilot cannot send a key: OneGate&apos;s Ollama-compatible API takes requests without one from this computer only.</source>
        <translation>然后在 Copilot Chat 的模型选择器中选择 Manage Models...，选中 Ollama 并勾选 %1。Copilot 无法发送密钥：OneGate 的 Ollama 兼容 API 只接受来自本机的无密钥请求。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Click Test Connection, then choose %1 in the AI Chat model list. No key is needed: OneGate&apos;s Ollama-compatible API takes requests without one from this computer only.</source>
        <translation>点击 Test Connection，然后在 AI Chat 模型列表中选择 %1。无需密钥：OneGate 的 Ollama 兼容 API 只接受来自本机的无密钥请求。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The Ollama-compatible API is off: turn it on in Settings first.</source>
        <translation>Ollama 兼容 API 已关闭：请先在“设置”中开启。</translation>
    </message>
</context>
<context>
    <name>UiLanguage</name>
    <message>
        <location filename="../ui/common/UiLanguage.cpp" line="+79"/>
        <source>The translation for %1 is not included in this build of OneGate, so the window stays in English.</source>
        <translation>此版本的 OneGate 不包含 %1 的翻译，因此界面仍显示英文。</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeyAllowlistModel</name>
    <message>
        <location filename="../ui/models/AccessKeyAllowlistModel.cpp" line="+95"/>
        <source>%1 (not served at the moment)</source>
        <translation>%1（当前未提供）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No provider or alias serves %1 right now; the key may use it once one does.</source>
        <translation>目前没有服务商或别名提供 %1；一旦有了，此密钥即可使用它。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeyEditor</name>
    <message>
        <location filename="../ui/models/AccessKeyEditor.cpp" line="+83"/>
        <source>Enter a name for the key, such as the client that will use it.</source>
        <translation>请输入密钥名称，例如将使用它的客户端。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>There is already a key named %1. Choose another name.</source>
        <translation>已存在名为 %1 的密钥，请换一个名称。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The keychain entry %1 is already used by the key %2. Choose another name.</source>
        <translation>钥匙串条目 %1 已被密钥 %2 使用，请换一个名称。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The new key could not be stored in the system keychain: %1

Nothing was saved. Start or unlock a keyring (such as GNOME Keyring or KWallet) and try again.</source>
        <translation>新密钥无法存入系统钥匙串：%1

未保存任何内容。请启动或解锁密钥环（如 GNOME Keyring 或 KWallet）后重试。</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+25"/>
        <location line="+16"/>
        <source>There is no key named %1.</source>
        <translation>不存在名为 %1 的密钥。</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>The key %1 is revoked: OneGate no longer accepts it. Its secret could not be removed from the system keychain, though (%2); you can delete the entry %3 there yourself.</source>
        <translation>密钥 %1 已吊销：OneGate 不再接受它。但它的密钥值未能从系统钥匙串中删除（%2）；你可以自行在钥匙串中删除条目 %3。</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>the config is not loaded</source>
        <translation>配置尚未加载</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>there is no key named %1</source>
        <translation>不存在名为 %1 的密钥</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeyLimitsBox</name>
    <message>
        <location filename="../ui/pages/AccessKeyLimitsBox.cpp" line="+174"/>
        <source>Requests per minute:</source>
        <translation>每分钟请求数：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per minute:</source>
        <translation>每分钟 Token 数：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Requests at once:</source>
        <translation>同时请求数：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Monthly budget:</source>
        <translation>每月预算：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warn at:</source>
        <translation>提醒阈值：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires:</source>
        <translation>到期时间：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No budget</source>
        <translation>无预算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many requests this key may start in any 60 seconds. More are refused until the oldest leave the minute.</source>
        <translation>此密钥在任意 60 秒内最多可发起的请求数。超出的请求会被拒绝，直到最早的请求移出这一分钟。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many tokens (prompt and answer) this key&apos;s requests may use in any 60 seconds. Once they are used, requests are refused until enough of them leave the minute.</source>
        <translation>此密钥的请求在任意 60 秒内最多可使用的 Token 数（提示词和回答合计）。用完后，请求会被拒绝，直到足够多的 Token 移出这一分钟。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>How many of this key&apos;s requests may be under way at the same time.</source>
        <translation>此密钥最多可同时进行的请求数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How much this key may spend per calendar month (UTC), counted at the model prices on the Models page. Once it is spent, the key&apos;s requests are refused until the next month.</source>
        <translation>此密钥每个自然月（UTC）最多可花费的金额，按“模型”页面上的价格计算。花完后，此密钥的请求会被拒绝，直到下个月。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The tray tells you when the key has spent this share of its budget.</source>
        <translation>当此密钥的花费达到预算的这一比例时，托盘图标会提醒你。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>From this moment (your local time) OneGate refuses the key. The config keeps it in UTC.</source>
        <translation>从这一时刻（你的本地时间）起，OneGate 将拒绝此密钥。配置文件中以 UTC 时间保存。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard the changes that were not saved and show the saved limits.</source>
        <translation>放弃未保存的更改，显示已保存的限制。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save limits</source>
        <translation>保存限制</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Limits</source>
        <translation>限制</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Limits of %1</source>
        <translation>%1 的限制</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access keys</source>
        <translation>访问密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The limits of %1 were not saved.

%2

Correct the value, or click Revert to go back to the saved limits.</source>
        <translation>%1 的限制未保存。

%2

请更正该值，或点击“还原”恢复已保存的限制。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeyLimitsText</name>
    <message>
        <location filename="../ui/models/AccessKeyLimitsText.cpp" line="+51"/>
        <source>%1/min</source>
        <translation>%1 次/分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 tokens/min</source>
        <translation>%1 Token/分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 at once</source>
        <translation>同时 %1 个</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1/month</source>
        <translation>每月 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 of %2 in the last minute</source>
        <translation>最近一分钟 %1 次（上限 %2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 in the last minute</source>
        <translation>最近一分钟 %1 次</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 of %2 tokens in the last minute</source>
        <translation>最近一分钟 %1 Token（上限 %2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 tokens in the last minute</source>
        <translation>最近一分钟 %1 Token</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 of %2 in flight</source>
        <translation>进行中 %1 个（上限 %2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 in flight</source>
        <translation>进行中 %1 个</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Spent %1 of %2 this month (%3 %)</source>
        <translation>本月已花费 %1，预算 %2（%3%）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Spent %1 this month</source>
        <translation>本月已花费 %1</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Expires in %1 days</source>
        <translation>%1 天后到期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expires in %1 hours</source>
        <translation>%1 小时后到期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expires in %1 minutes</source>
        <translation>%1 分钟后到期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires within 2 minutes</source>
        <translation>2 分钟内到期</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Requests this month that used a model without a price: %1. The budget cannot count them; add the model&apos;s prices on the Models page.</source>
        <translation>本月有 %1 个请求使用了未设价格的模型，预算无法计入这些请求。请在“模型”页面为该模型添加价格。</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeyListModel</name>
    <message>
        <location filename="../ui/models/AccessKeyListModel.cpp" line="+128"/>
        <source>Unavailable</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All models</source>
        <translation>全部模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No models</source>
        <translation>无模型</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Never</source>
        <translation>从未使用</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Today at %1</source>
        <translation>今天 %1</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>This key admits no one: %1</source>
        <translation>此密钥当前无法使用：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kept in the system keychain. Select the key and click Copy key to copy it again.</source>
        <translation>保存在系统钥匙串中。选中该密钥并点击“复制密钥”即可再次复制。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read from the environment variable %1 when OneGate starts.</source>
        <translation>OneGate 启动时从环境变量 %1 读取。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The usage database could not be read: %1</source>
        <translation>无法读取用量数据库：%1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Limits</source>
        <translation>限制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last used</source>
        <translation>上次使用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Requests today</source>
        <translation>今日请求数</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Select a key to change its limits below the table.</source>
        <translation>选中一个密钥，即可在表格下方修改它的限制。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Spent this calendar month (UTC), at the model prices on the Models page.</source>
        <translation>本自然月（UTC）的花费，按“模型”页面上的价格计算。</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeysCreatedDialog</name>
    <message>
        <location filename="../ui/pages/AccessKeysCreatedDialog.cpp" line="+57"/>
        <location line="+20"/>
        <source>Copied. Paste it into your client&apos;s settings.</source>
        <translation>已复制。请粘贴到客户端的设置中。</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>New access key</source>
        <translation>新访问密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is the key for %1. Copy it now and paste it into the client: OneGate will not show it again. It stays in the system keychain, so &quot;Copy key&quot; on the Access keys page (or the tray menu) copies it again whenever you need it.</source>
        <translation>这是 %1 的密钥。请立即复制并粘贴到客户端中：OneGate 不会再次显示它。密钥保存在系统钥匙串中，需要时可在“访问密钥”页面（或托盘菜单）点击“复制密钥”再次复制。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>onegate::AccessKeysPage</name>
    <message>
        <location filename="../ui/pages/AccessKeysPage.cpp" line="+166"/>
        <location line="+111"/>
        <location line="+16"/>
        <location line="+20"/>
        <location line="+14"/>
        <source>Access keys</source>
        <translation>访问密钥</translation>
    </message>
    <message>
        <location line="-132"/>
        <source>Give each client (an editor, a command-line tool, a script) a key of its own: you can see when it was last used, choose its models and limits, and revoke it without touching the others.</source>
        <translation>为每个客户端（编辑器、命令行工具、脚本）单独创建一个密钥：可以查看它上次何时使用、选择它可用的模型并设置限制，并且吊销它不会影响其他密钥。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keys are not required at the moment: every program on this computer is accepted without one. Turn &quot;Require access keys&quot; back on in Settings to make them count.</source>
        <translation>当前未要求访问密钥：本机上的任何程序都可以直接访问。在“设置”中重新开启“每个请求都需要访问密钥”后，密钥才会生效。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New key for:</source>
        <translation>新密钥用于：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>client name, e.g. vscode</source>
        <translation>客户端名称，如 vscode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create key</source>
        <translation>创建密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No access keys yet. Type the name of a client above and click Create key.</source>
        <translation>还没有访问密钥。在上方输入客户端名称，然后点击“创建密钥”。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy key</source>
        <translation>复制密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revoke…</source>
        <translation>吊销…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All models, including ones added later</source>
        <translation>全部模型，包括以后添加的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only the models checked below</source>
        <translation>仅限下方勾选的模型</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Models %1 may use</source>
        <translation>%1 可用的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Models the key may use</source>
        <translation>此密钥可用的模型</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The key was not created.

%1</source>
        <translation>未能创建密钥。

%1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The key %1 could not be read: %2</source>
        <translation>无法读取密钥 %1：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The key %1 is on the clipboard.</source>
        <translation>密钥 %1 已复制到剪贴板。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Revoke key</source>
        <translation>吊销密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revoke the key %1? Clients that use it are refused from now on. This cannot be undone: such a client needs a new key.</source>
        <translation>要吊销密钥 %1 吗？使用它的客户端将从此被拒绝。此操作无法撤销：这些客户端需要换用新密钥。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The key %1 is revoked.</source>
        <translation>密钥 %1 已吊销。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The models of %1 were not changed.

%2</source>
        <translation>%1 的可用模型未更改。

%2</translation>
    </message>
</context>
<context>
    <name>onegate::BrowserAccessBox</name>
    <message>
        <location filename="../ui/pages/BrowserAccessBox.cpp" line="+180"/>
        <source>Browser access</source>
        <translation>浏览器访问</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OneGate refuses requests from web pages unless you allow their origin here, so that a page you visit cannot spend your money through it.</source>
        <translation>除非你在这里允许网页的来源，否则 OneGate 会拒绝来自网页的请求，这样你访问的网页就无法通过 OneGate 花你的钱。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Allowed or&amp;igins:</source>
        <translation>允许的来源(&amp;I)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A&amp;dd</source>
        <translation>添加(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re&amp;move</source>
        <translation>移除(&amp;M)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also allow browser &amp;extensions (chrome-extension://, moz-extension://, app://)</source>
        <translation>同时允许浏览器扩展(&amp;E)（chrome-extension://、moz-extension://、app://）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any extension installed in your browsers could then use OneGate.</source>
        <translation>这样一来，你的浏览器中安装的任何扩展都能使用 OneGate。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refused origins:</source>
        <translation>被拒绝的来源：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No web page has been refused since OneGate started.</source>
        <translation>自 OneGate 启动以来，还没有拒绝过任何网页。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Requests refused since OneGate started, each origin once. The list is not kept when OneGate quits.</source>
        <translation>自 OneGate 启动以来被拒绝的请求，每个来源只列出一次。OneGate 退出后不会保留此列表。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Allo&amp;w</source>
        <translation>允许(&amp;W)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add the selected origin to the allowed origins</source>
        <translation>把所选来源加入允许的来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Di&amp;smiss</source>
        <translation>忽略(&amp;S)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove it from this list; it is still refused</source>
        <translation>从此列表中移除；它仍会被拒绝</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Origin not added</source>
        <translation>未添加来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&quot;%1&quot; is not an origin. Write it as the browser sends it: scheme://host, with the port if there is one and nothing after it, for example https://chat.example.org or http://localhost:5173.</source>
        <translation>“%1”不是来源。请按浏览器发送的形式填写：协议://主机名，有端口时带上端口，后面不能再有其他内容，例如 https://chat.example.org 或 http://localhost:5173。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Allow the origin &quot;null&quot;?</source>
        <translation>允许来源“null”吗？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browsers send the origin null from sandboxed frames, local files and some apps built on web views, so allowing it lets any of them use OneGate. Allow it only if you know which app needs it.</source>
        <translation>浏览器会为沙盒框架、本地文件以及一些基于网页视图的应用发送来源 null，因此允许它就等于让这些页面和应用都能使用 OneGate。只有在你确切知道是哪个应用需要它时才允许。</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Settings not applied</source>
        <translation>设置未应用</translation>
    </message>
</context>
<context>
    <name>onegate::ConnectClientModel</name>
    <message>
        <location filename="../ui/pages/ConnectClientModel.cpp" line="+34"/>
        <source>Uses %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Uses %1 on the Ollama-compatible API&apos;s port</source>
        <translation>使用 Ollama 兼容 API 端口上的 %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
</context>
<context>
    <name>onegate::ConnectPage</name>
    <message>
        <location filename="../ui/pages/ConnectPage.cpp" line="+169"/>
        <source>Connect a client</source>
        <translation>连接客户端</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Choose the access key and the model a client should use, then copy its setup. Test sends a real request through OneGate with the same values.</source>
        <translation>选择客户端要使用的访问密钥和模型，然后复制它的配置。“测试”会用相同的值通过 OneGate 发送一次真实请求。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Access key:</source>
        <translation>访问密钥(&amp;A)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Model:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+213"/>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <location line="-212"/>
        <source>&amp;Test</source>
        <translation>测试(&amp;T)</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>(not needed: access keys are off)</source>
        <translation>（无需密钥：访问密钥已关闭）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>(none available)</source>
        <translation>（无可用模型）</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>There is no access key yet. Create one on the Access keys page; it appears here and the setups below fill in with it.</source>
        <translation>还没有访问密钥。请在“访问密钥”页面创建一个；它会出现在这里，下方的配置也会自动填入。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The access key &quot;%1&quot; cannot be read: %2</source>
        <translation>无法读取访问密钥“%1”：%2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No models are served yet. Add a provider on the Providers page and choose the models it serves.</source>
        <translation>尚未提供任何模型。请在“服务商”页面添加服务商，并选择它要提供的模型。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The access key &quot;%1&quot; may not use any of the served models. Allow some on the Access keys page.</source>
        <translation>访问密钥“%1”不能使用任何已提供的模型。请在“访问密钥”页面为它勾选可用的模型。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Clients on this computer reach OneGate at %1.</source>
        <translation>本机上的客户端通过 %1 访问 OneGate。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>From another device on your network, use this computer&apos;s network address in place of %1.</source>
        <translation>从网络中的其他设备访问时，请将 %1 替换为本机的网络地址。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Sends &quot;%1&quot; to the chosen model through OneGate.</source>
        <translation>通过 OneGate 向所选模型发送“%1”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Turn on the Ollama-compatible API in Settings to test this client.</source>
        <translation>在“设置”中开启 Ollama 兼容 API 后即可测试此客户端。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Testing %1 through OneGate...</source>
        <translation>正在通过 OneGate 测试 %1...</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>It works. The model answered: %1</source>
        <translation>连接成功。模型回复：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The test failed. %1</source>
        <translation>测试失败。%1</translation>
    </message>
</context>
<context>
    <name>onegate::ConnectTest</name>
    <message>
        <location filename="../ui/pages/ConnectTest.cpp" line="+180"/>
        <source>no answer within %1 seconds</source>
        <translation>%1 秒内无响应</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>OneGate could not be reached at %1: %2</source>
        <translation>无法通过 %1 访问 OneGate：%2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>OneGate answered %1: %2</source>
        <translation>OneGate 返回 %1：%2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>OneGate answered, but not with an %1 reply.</source>
        <translation>OneGate 有应答，但不是 %1 格式的回复。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The request went through, but the model&apos;s answer was empty.</source>
        <translation>请求成功，但模型返回了空回复。</translation>
    </message>
</context>
<context>
    <name>onegate::Desktop</name>
    <message>
        <location filename="../ui/DesktopApp.cpp" line="+80"/>
        <location line="+8"/>
        <location line="+6"/>
        <location line="+30"/>
        <location line="+26"/>
        <location line="+62"/>
        <source>OneGate</source>
        <translation>OneGate</translation>
    </message>
    <message>
        <location line="-131"/>
        <source>OneGate cannot start because its config file has an error:

%1</source>
        <translation>OneGate 无法启动，因为配置文件有错误：

%1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>OneGate cannot open its usage database: %1</source>
        <translation>OneGate 无法打开用量数据库：%1</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>config.json was changed outside OneGate, but the change has an error and was not applied:

%1</source>
        <translation>config.json 在 OneGate 之外被修改，但修改内容有错误，未被应用：

%1</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The gateway could not start: %1
Change the port on the Settings page.</source>
        <translation>网关无法启动：%1
请在“设置”页面更改端口。</translation>
    </message>
    <message numerus="yes">
        <location line="+21"/>
        <source>%1 · %n request(s) today</source>
        <translation>
            <numerusform>%1 · 今日 %n 个请求</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paused · %1</source>
        <translation>已暂停 · %1</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>OneGate is still running</source>
        <translation>OneGate 仍在运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The gateway keeps serving in the background. Use the tray icon to open the window or to quit.</source>
        <translation>网关会在后台继续提供服务。可通过托盘图标打开窗口或退出。</translation>
    </message>
</context>
<context>
    <name>onegate::KeychainWriter</name>
    <message>
        <location filename="../ui/common/KeychainWriter.cpp" line="+50"/>
        <source>The key could not be stored in the system keychain: %1

Nothing was saved: OneGate never writes keys into its config file. Start or unlock a keyring (such as GNOME Keyring or KWallet) and try again, or enter env:NAME instead of the key so that OneGate reads it from the environment variable NAME.</source>
        <translation>密钥无法存入系统钥匙串：%1

未保存任何内容：OneGate 从不将密钥写入配置文件。请启动或解锁密钥环（如 GNOME Keyring 或 KWallet）后重试；也可以不填密钥本身，而是填入 env:NAME，让 OneGate 从环境变量 NAME 读取。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>no keychain is available to this window</source>
        <translation>此窗口无法使用系统钥匙串</translation>
    </message>
</context>
<context>
    <name>onegate::MainWindow</name>
    <message>
        <location filename="../ui/MainWindow.cpp" line="+87"/>
        <source>OneGate</source>
        <translation>OneGate</translation>
    </message>
</context>
<context>
    <name>onegate::ModelListModel</name>
    <message>
        <location filename="../ui/models/ModelListModel.cpp" line="+202"/>
        <source>%1 is turned off: clients cannot use it and GET /v1/models does not list it.</source>
        <translation>%1 已停用：客户端无法使用它，GET /v1/models 也不会列出它。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is an alias: OneGate sends its requests along the routes shown.</source>
        <translation>%1 是别名：OneGate 会按所示路由转发它的请求。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is a model of the provider that lists it.</source>
        <translation>%1 是服务商自身提供的模型。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 at %2 (priority %3, weight %4)</source>
        <translation>%2 的 %1（优先级 %3，权重 %4）</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Routes</source>
        <translation>路由</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Aliases</source>
        <translation>别名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Context window</source>
        <translation>上下文窗口</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cache read</source>
        <translation>缓存读取</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cache write</source>
        <translation>缓存写入</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Uncheck a model to stop serving it.</source>
        <translation>取消勾选即可停止提供该模型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The most tokens the model takes in one request.</source>
        <translation>模型单次请求可接收的最大 Token 数。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Price per million input tokens.</source>
        <translation>每百万输入 Token 的价格。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Price per million output tokens.</source>
        <translation>每百万输出 Token 的价格。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Price per million tokens read from the prompt cache.</source>
        <translation>从提示词缓存读取时，每百万 Token 的价格。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Price per million tokens written to the prompt cache.</source>
        <translation>写入提示词缓存时，每百万 Token 的价格。</translation>
    </message>
</context>
<context>
    <name>onegate::ModelPickerDialog</name>
    <message>
        <location filename="../ui/pages/providers/ModelPickerDialog.cpp" line="+107"/>
        <source>%1 of %2 models chosen</source>
        <translation>已选择 %1 个模型，共 %2 个</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Models of %1</source>
        <translation>%1 的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the models OneGate should serve from %1. Clients see them under their own names, and as &quot;%1/model&quot;.</source>
        <translation>勾选 OneGate 要从 %1 提供的模型。客户端既可以用模型原本的名称访问，也可以用“%1/模型名”访问。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check shown</source>
        <translation>勾选当前显示项</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uncheck shown</source>
        <translation>取消勾选当前显示项</translation>
    </message>
</context>
<context>
    <name>onegate::ModelRoutesModel</name>
    <message>
        <location filename="../ui/models/ModelRoutesModel.cpp" line="+183"/>
        <source>No traffic yet</source>
        <translation>暂无流量</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Healthy</source>
        <translation>正常</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cooling down (%1 s left)</source>
        <translation>冷却中（剩余 %1 秒）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Probing</source>
        <translation>试探中</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No request has used this route since OneGate started.</source>
        <translation>自 OneGate 启动以来，还没有请求经过此路由。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Requests go to this route as usual.</source>
        <translation>请求照常发往此路由。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Failures in a row: %1. OneGate sends this route no requests for the next %2 s, then tries it again with a single request.</source>
        <translation>连续失败次数：%1。OneGate 在接下来的 %2 秒内不会向此路由发送请求，之后先用一个请求试探它是否已恢复。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The cooldown is over: OneGate lets one request through to see whether this route works again.</source>
        <translation>冷却已结束：OneGate 会放行一个请求，试探此路由是否已恢复。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 succeeded and %2 failed since OneGate started; the rate counts recent requests most.</source>
        <translation>自 OneGate 启动以来成功 %1 次、失败 %2 次；成功率主要反映最近的请求。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No request has succeeded on this route yet.</source>
        <translation>此路由还没有成功的请求。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How long the provider took to start answering, averaged over recent requests.</source>
        <translation>服务商开始响应所用的时间，取最近请求的平均值。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Failed at %1:
%2</source>
        <translation>失败于 %1：
%2</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Upstream model</source>
        <translation>上游模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Success rate</source>
        <translation>成功率</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>First byte</source>
        <translation>首字节时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The provider this route sends requests to.</source>
        <translation>此路由将请求发往的服务商。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model name the provider knows.</source>
        <translation>服务商所用的模型名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Routes with priority 0 are tried first, then 1, and so on.</source>
        <translation>优先级为 0 的路由最先尝试，然后是 1，依此类推。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Routes with the same priority share requests in proportion to their weight.</source>
        <translation>优先级相同的路由按权重比例分担请求。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What OneGate has seen of this route since it started: healthy, cooling down after failures in a row (no requests go to it), or probing whether it works again.</source>
        <translation>OneGate 自启动以来观察到的此路由状况：正常、连续失败后冷却中（不会向它发送请求），或正在试探它是否已恢复。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The share of requests on this route that succeeded; recent requests count most.</source>
        <translation>此路由上成功请求所占的比例，主要反映最近的请求。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Time to first byte: how long the provider takes to start answering, averaged over recent requests.</source>
        <translation>首字节时间：服务商开始响应所需的时间，取最近请求的平均值。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The last error of this route. Point at it to see when it happened.</source>
        <translation>此路由最近一次出现的错误。将鼠标指向它可查看发生时间。</translation>
    </message>
</context>
<context>
    <name>onegate::ModelsPage</name>
    <message>
        <location filename="../ui/pages/ModelsPage.cpp" line="+220"/>
        <location line="+91"/>
        <location line="+84"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="-139"/>
        <source>Every model your clients can ask for: each provider&apos;s models under their own names, and the aliases you add. Uncheck a model to stop serving it. Double-click a context window or a price to change it; prices are per million tokens.</source>
        <translation>客户端可以请求的所有模型：各服务商以原名称提供的模型，以及你添加的别名。取消勾选即可停止提供某个模型。双击上下文窗口或价格即可修改；价格按每百万 Token 计。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No models yet. Add a provider on the Providers page and choose the models it should serve; they will appear here.</source>
        <translation>还没有模型。请在“服务商”页面添加服务商，并选择它要提供的模型，模型就会显示在这里。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard the change that was not saved and show the saved config.</source>
        <translation>放弃未保存的更改，显示已保存的配置。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add route</source>
        <translation>添加路由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove route</source>
        <translation>移除路由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Use the providers&apos; routes</source>
        <translation>使用服务商的路由</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Aliases:</source>
        <translation>别名：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New alias, e.g. smart</source>
        <translation>新别名，如 smart</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add alias</source>
        <translation>添加别名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove this alias</source>
        <translation>移除此别名</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>OneGate did not save this change because the config would not be valid:

%1

Correct the value, or click Revert to go back to the saved config.</source>
        <translation>OneGate 没有保存此更改，因为它会使配置无效：

%1

请更正该值，或点击“还原”恢复已保存的配置。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Routes and aliases</source>
        <translation>路由与别名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Select a model to see where its requests go.</source>
        <translation>选择一个模型，查看它的请求发往何处。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Routes and aliases of %1</source>
        <translation>%1 的路由与别名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is an alias: its requests go to these routes. Priority 0 is tried first; routes with the same priority share requests by weight.</source>
        <translation>%1 是别名：它的请求会发往这些路由。优先级 0 最先尝试；优先级相同的路由按权重分担请求。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 has routes of its own. Click &quot;Use the providers&apos; routes&quot; to serve it from the providers that list it again.</source>
        <translation>%1 有自己的路由。点击“使用服务商的路由”可改回由列出它的服务商提供。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is served by the providers that list it. Add or change a route to give it routes of its own.</source>
        <translation>%1 由列出它的服务商提供。添加或修改路由即可为它设置自己的路由。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>An alias needs at least one route. Remove the alias instead.</source>
        <translation>别名至少需要一条路由。如不再需要，请直接移除该别名。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>There is already a model called %1. Choose another name for the alias.</source>
        <translation>已存在名为 %1 的模型，请为别名换一个名称。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Remove alias</source>
        <translation>移除别名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the alias %1? Clients that ask for %1 will get an error.</source>
        <translation>要移除别名 %1 吗？请求 %1 的客户端将收到错误。</translation>
    </message>
</context>
<context>
    <name>onegate::OllamaSurfaceBox</name>
    <message>
        <location filename="../ui/pages/OllamaSurfaceBox.cpp" line="+73"/>
        <location line="+95"/>
        <source>Not serving: %1</source>
        <translation>未在服务：%1</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>Ollama-compatible API</source>
        <translation>Ollama 兼容 API</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serve an Ollama-compatible API for apps that only speak Ollama (GitHub Copilot, JetBrains AI Assistant)</source>
        <translation>为只支持 Ollama 的应用（GitHub Copilot、JetBrains AI Assistant）提供 Ollama 兼容 API</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Po&amp;rt:</source>
        <translation>端口(&amp;R)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Appl&amp;y port</source>
        <translation>应用端口(&amp;Y)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>It listens on this computer only (127.0.0.1). Programs on this computer can use it without an access key, since these apps cannot send one; a key that is sent is still checked. Point the app&apos;s Ollama URL at http://127.0.0.1:%1.</source>
        <translation>它只在本机（127.0.0.1）上监听。由于这些应用无法发送访问密钥，本机上的程序无需密钥即可使用；若发送了密钥，仍会校验。请把应用的 Ollama 地址设为 http://127.0.0.1:%1。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The config file makes it listen on %1, beyond this computer, so every request needs an access key.</source>
        <translation>配置文件让它在 %1 上监听，可从本机以外访问，因此每个请求都需要访问密钥。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Settings not applied</source>
        <translation>设置未应用</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Saved. It starts with OneGate.</source>
        <translation>已保存。它会随 OneGate 一起启动。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Serving at http://127.0.0.1:%1</source>
        <translation>正在 http://127.0.0.1:%1 提供服务</translation>
    </message>
</context>
<context>
    <name>onegate::ProviderDialog</name>
    <message>
        <location filename="../ui/pages/providers/ProviderDialog.cpp" line="+247"/>
        <source>%1 (new: stored in the keychain when you save)</source>
        <translation>%1（新密钥：保存时存入钥匙串）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 (missing: %2)</source>
        <translation>%1（缺失：%2）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 (from the environment variable %2)</source>
        <translation>%1（来自环境变量 %2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (in the keychain as %2)</source>
        <translation>%1（钥匙串条目 %2）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No key yet. Local servers usually need none.</source>
        <translation>尚无密钥。本地服务器通常不需要密钥。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No key yet.</source>
        <translation>尚无密钥。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>One deployment name per line: Azure serves each model under the name of its deployment.</source>
        <translation>每行一个部署名称：Azure 以部署名称提供各个模型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>One model id per line, for example gpt-4o-mini. &quot;Fetch models&quot; lists what the provider offers.</source>
        <translation>每行一个模型 ID，例如 gpt-4o-mini。“获取模型”会列出服务商提供的模型。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add provider: %1</source>
        <translation>添加服务商：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check the base URL. Servers on this computer usually need no key; if yours does, it goes into the system keychain.</source>
        <translation>请检查 API 地址。本机上的服务器通常不需要密钥；如果需要，密钥将存入系统钥匙串。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check the base URL and enter your API key. The key goes straight into the system keychain; config.json only refers to it.</source>
        <translation>请检查 API 地址并输入 API 密钥。密钥会直接存入系统钥匙串，config.json 中只保存对它的引用。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Edit provider %1</source>
        <translation>编辑服务商 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keys already saved are shown masked. Remove a key to delete it from the keychain when you save.</source>
        <translation>已保存的密钥以掩码显示。移除某个密钥后，保存时会将它从钥匙串中删除。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Id:</source>
        <translation>ID(&amp;I)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;. Clients can pin this provider by asking for the model &quot;id/model&quot;.</source>
        <translation>可使用字母、数字、“.”、“_”和“-”。客户端请求模型“id/模型名”即可指定使用此服务商。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Kind:</source>
        <translation>类型(&amp;K)：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Base URL:</source>
        <translation>API 地址(&amp;B)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>https://api.example.com/v1</source>
        <translation>https://api.example.com/v1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API &amp;version:</source>
        <translation>API 版本(&amp;V)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leave empty for OneGate&apos;s default</source>
        <translation>留空则使用 OneGate 的默认值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API &amp;keys:</source>
        <translation>API 密钥(&amp;K)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Paste a key, or env:NAME to read it from a variable</source>
        <translation>粘贴密钥，或输入 env:NAME 从环境变量读取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add key</source>
        <translation>添加密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With several keys, requests take turns across them.</source>
        <translation>有多个密钥时，请求会在它们之间轮换。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Models:</source>
        <translation>模型(&amp;M)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Proxy:</source>
        <translation>代理(&amp;P)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System proxy</source>
        <translation>系统代理</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No proxy</source>
        <translation>不使用代理</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>HTTP proxy</source>
        <translation>HTTP 代理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SOCKS5 proxy</source>
        <translation>SOCKS5 代理</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>host:port, for example proxy.example.com:3128</source>
        <translation>主机:端口，例如 proxy.example.com:3128</translation>
    </message>
</context>
<context>
    <name>onegate::ProviderModelChoiceModel</name>
    <message>
        <location filename="../ui/models/ProviderModelChoiceModel.cpp" line="+34"/>
        <source>served now, but the provider no longer lists it</source>
        <translation>当前正在提供，但服务商已不再列出此模型</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>onegate::ProviderTableModel</name>
    <message numerus="yes">
        <location filename="../ui/models/ProviderTableModel.cpp" line="+76"/>
        <source>%1
Requests take turns across these %n keys.</source>
        <translation>
            <numerusform>%1
请求会在这 %n 个密钥之间轮换。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1
Tested on %2</source>
        <translation>%1
测试于 %2</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Base URL</source>
        <translation>API 地址</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Models served</source>
        <translation>提供的模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last test</source>
        <translation>上次测试</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+117"/>
        <source>No traffic yet</source>
        <translation>暂无流量</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Degraded</source>
        <translation>部分故障</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Down</source>
        <translation>不可用</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No request has gone to this provider since OneGate started.</source>
        <translation>自 OneGate 启动以来，还没有请求发往此服务商。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every route that carried traffic works, and no key is cooling down.</source>
        <translation>所有有流量的路由都工作正常，也没有密钥在冷却中。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Some routes or keys are failing; requests go to the others meanwhile.</source>
        <translation>部分路由或密钥出现故障；在此期间，请求会改用其他路由或密钥。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The provider rejected every key. OneGate tries them again when their cooldown ends; check them with Edit.</source>
        <translation>服务商拒绝了所有密钥。冷却结束后 OneGate 会再次尝试；请点击“编辑”检查这些密钥。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every route that carried traffic is cooling down after failures. OneGate tries again when the cooldown ends.</source>
        <translation>所有有流量的路由都因失败而处于冷却中。冷却结束后 OneGate 会再次尝试。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Routes with traffic: %1, cooling down: %2, being probed: %3</source>
        <translation>有流量的路由：%1，冷却中：%2，试探中：%3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The first route is back in %1 s.</source>
        <translation>最早的一条路由将在 %1 秒后恢复。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keys cooling down: %1 of %2</source>
        <translation>冷却中的密钥：%1 个（共 %2 个）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Key %1: back in %2 s</source>
        <translation>密钥 %1：%2 秒后恢复</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Key %1: being tried again</source>
        <translation>密钥 %1：正在重新尝试</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Last error: %1</source>
        <translation>最近错误：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last error (%1): %2</source>
        <translation>最近错误（%1）：%2</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>not needed</source>
        <translation>无需</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>missing: %1</source>
        <translation>缺失：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>missing %1 of %2 keys: %3</source>
        <translation>%2 个密钥中缺失 %1 个：%3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>in keychain</source>
        <translation>存于钥匙串</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n keys in keychain</source>
        <translation>
            <numerusform>%n 个密钥存于钥匙串</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>from environment</source>
        <translation>来自环境变量</translation>
    </message>
    <message numerus="yes">
        <location line="+0"/>
        <source>%n keys from environment</source>
        <translation>
            <numerusform>%n 个密钥来自环境变量</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n keys from keychain and environment</source>
        <translation>
            <numerusform>%n 个密钥来自钥匙串和环境变量</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>not tested</source>
        <translation>未测试</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>OK: %n model(s)</source>
        <translation>
            <numerusform>正常：%n 个模型</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
</context>
<context>
    <name>onegate::ProviderTemplates</name>
    <message>
        <location filename="../ui/pages/providers/ProviderTemplates.cpp" line="+23"/>
        <source>OpenAI</source>
        <translation>OpenAI</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+81"/>
        <source>Anthropic</source>
        <translation>Anthropic</translation>
    </message>
    <message>
        <location line="-79"/>
        <location line="+81"/>
        <source>Google Gemini</source>
        <translation>Google Gemini</translation>
    </message>
    <message>
        <location line="-78"/>
        <location line="+74"/>
        <source>Azure OpenAI</source>
        <translation>Azure OpenAI</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>DeepSeek</source>
        <extracomment>Known in China as 深度求索 (DeepSeek); the brand name DeepSeek is usually kept.</extracomment>
        <translation>DeepSeek（深度求索）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Moonshot AI (Kimi)</source>
        <extracomment>Known in China as 月之暗面 Kimi. The URL is the China endpoint (api.moonshot.cn).</extracomment>
        <translation>月之暗面 Kimi</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Qwen (Alibaba Cloud DashScope, compatible mode)</source>
        <extracomment>Known in China as 通义千问 (阿里云百炼 DashScope, OpenAI 兼容模式).</extracomment>
        <translation>通义千问（阿里云百炼，OpenAI 兼容模式）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Zhipu AI (GLM)</source>
        <extracomment>Known in China as 智谱 AI (GLM), platform 智谱开放平台 BigModel.</extracomment>
        <translation>智谱 AI（GLM）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>SiliconFlow</source>
        <extracomment>Known in China as 硅基流动 (SiliconFlow).</extracomment>
        <translation>硅基流动（SiliconFlow）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OpenRouter</source>
        <translation>OpenRouter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Groq</source>
        <translation>Groq</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mistral AI</source>
        <translation>Mistral AI</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>xAI (Grok)</source>
        <translation>xAI（Grok）</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+52"/>
        <source>Ollama</source>
        <translation>Ollama</translation>
    </message>
    <message>
        <location line="-50"/>
        <source>LM Studio</source>
        <translation>LM Studio</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>vLLM</source>
        <translation>vLLM</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>llama.cpp server</source>
        <translation>llama.cpp 服务器</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Jan</source>
        <translation>Jan</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Custom OpenAI-compatible server</source>
        <translation>自定义 OpenAI 兼容服务器</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>OpenAI-compatible</source>
        <translation>OpenAI 兼容</translation>
    </message>
</context>
<context>
    <name>onegate::ProvidersPage</name>
    <message>
        <location filename="../ui/pages/ProvidersPage.cpp" line="+204"/>
        <location line="+152"/>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <location line="-34"/>
        <location line="+328"/>
        <source>Add provider</source>
        <translation>添加服务商</translation>
    </message>
    <message>
        <location line="-328"/>
        <source>Edit provider</source>
        <translation>编辑服务商</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Replace %1 in the base URL with the name of your resource.</source>
        <translation>请将 API 地址中的 %1 替换为你的资源名称。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Enter the proxy&apos;s host and port, for example proxy.example.com:3128.</source>
        <translation>请输入代理的主机和端口，例如 proxy.example.com:3128。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There is already a provider with the id %1. Choose another id.</source>
        <translation>已存在 ID 为 %1 的服务商，请换一个 ID。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Added the provider %1.</source>
        <translation>已添加服务商 %1。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved the provider %1.</source>
        <translation>已保存服务商 %1。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Saving deletes these keys from the system keychain: %1. They cannot be recovered from OneGate afterwards. Save anyway?</source>
        <translation>保存后将从系统钥匙串中删除这些密钥：%1。删除后无法再通过 OneGate 找回。仍要保存吗？</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Key not saved</source>
        <translation>密钥未保存</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The change is saved, but these keys could not be deleted from the system keychain:
%1
Delete them with your keyring manager (for example Seahorse).</source>
        <translation>更改已保存，但以下密钥未能从系统钥匙串中删除：
%1
请使用密钥环管理器（例如 Seahorse）手动删除。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Remove the provider %1?</source>
        <translation>要移除服务商 %1 吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Its keys are deleted from the system keychain: %1.</source>
        <translation>它的密钥将从系统钥匙串中删除：%1。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>These models have routes to %1: %2. Those routes are removed too, and a model left without any route is removed.</source>
        <translation>以下模型有指向 %1 的路由：%2。这些路由也会一并移除，没有剩余路由的模型也将被移除。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove provider</source>
        <translation>移除服务商</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Removed the provider %1.</source>
        <translation>已移除服务商 %1。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The gateway is not running, so OneGate cannot reach the provider. Resume it from the tray menu and try again.</source>
        <translation>网关未在运行，OneGate 无法连接服务商。请从托盘菜单恢复网关后重试。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 (HTTP %2)</source>
        <translation>%1（HTTP %2）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Asking %1 for its models…</source>
        <translation>正在向 %1 获取模型列表…</translation>
    </message>
    <message>
        <location line="+22"/>
        <location line="+13"/>
        <source>Testing %1 failed: %2</source>
        <translation>测试 %1 失败：%2</translation>
    </message>
    <message numerus="yes">
        <location line="-9"/>
        <location line="+16"/>
        <source>%1 answered and lists %n model(s).</source>
        <translation>
            <numerusform>%1 已响应，共列出 %n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Fetch models</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 did not list its models: %2</source>
        <translation>%1 未能列出模型：%2</translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>%1 now serves %n model(s).</source>
        <translation>
            <numerusform>%1 现在提供 %n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Add %1 at %2 (it asks for its API key)</source>
        <translation>添加位于 %2 的 %1（需要 API 密钥）</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Add %1 at %2 (%n model(s))</source>
        <translation>
            <numerusform>添加位于 %2 的 %1（%n 个模型）</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add %1 at %2</source>
        <translation>添加位于 %2 的 %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Looking for model servers running on this computer…</source>
        <translation>正在查找本机上运行的模型服务器…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>These model servers are running on this computer and are not set up yet:</source>
        <translation>以下模型服务器正在本机运行，尚未设置：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every model server running on this computer is set up.</source>
        <translation>本机上运行的模型服务器均已设置。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No model server found on this computer. OneGate looks for Ollama, LM Studio, the llama.cpp server, vLLM and Jan on their usual ports.</source>
        <translation>未在本机找到模型服务器。OneGate 会在常用端口上查找 Ollama、LM Studio、llama.cpp 服务器、vLLM 和 Jan。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>OneGate can look for Ollama, LM Studio, the llama.cpp server, vLLM and Jan running on this computer.</source>
        <translation>OneGate 可以查找本机上运行的 Ollama、LM Studio、llama.cpp 服务器、vLLM 和 Jan。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Added %1 at %2 as the provider %3.</source>
        <translation>已将位于 %2 的 %1 添加为服务商 %3。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The services OneGate forwards requests to. Their keys are kept in the system keychain; config.json only names them.</source>
        <translation>OneGate 会把请求转发给这些服务。它们的密钥保存在系统钥匙串中，config.json 中只记录其名称。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Asks the provider for its model list through the gateway.</source>
        <translation>通过网关向服务商请求其模型列表。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fetch models…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lists the provider&apos;s models so you can choose which to serve.</source>
        <translation>列出服务商的模型，供你选择要提供哪些。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model servers on this computer</source>
        <translation>本机上的模型服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Look again</source>
        <translation>重新查找</translation>
    </message>
</context>
<context>
    <name>onegate::RefusedOriginsModel</name>
    <message>
        <location filename="../ui/pages/RefusedOriginsModel.cpp" line="+131"/>
        <source>Origin</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Client address</source>
        <translation>客户端地址</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Times refused</source>
        <translation>拒绝次数</translation>
    </message>
</context>
<context>
    <name>onegate::SettingsPage</name>
    <message>
        <location filename="../ui/pages/SettingsPage.cpp" line="+268"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Listen &amp;address:</source>
        <translation>监听地址(&amp;A)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Allow other devices on my network to connect (LAN access)</source>
        <translation>允许网络中的其他设备连接（局域网访问）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Anyone who can reach this computer over the network can connect to OneGate. Access keys stay required: OneGate refuses to switch them off when it listens beyond this computer.</source>
        <translation>能通过网络访问本机的任何人都可以连接 OneGate。访问密钥仍然必需：当 OneGate 监听本机以外的地址时，不允许关闭访问密钥。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Require an access key for every request</source>
        <translation>每个请求都需要访问密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Revert</source>
        <translation>还原(&amp;R)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Startup</source>
        <translation>启动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start OneGate when I log in</source>
        <translation>登录时启动 OneGate</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Data folder:</source>
        <translation>数据目录：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;hange...</source>
        <translation>更改(&amp;H)...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Keep usage history for:</source>
        <translation>用量记录保留时长(&amp;K)：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forever</source>
        <translation>永久</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Older usage records are deleted when OneGate starts and once a day. Set it to 0 to keep them all.</source>
        <translation>超出保留时长的用量记录会在 OneGate 启动时以及每天清理一次。设为 0 则全部保留。</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+61"/>
        <source>Access keys are always required when other devices can connect.</source>
        <translation>允许其他设备连接时，始终需要访问密钥。</translation>
    </message>
    <message>
        <location line="-59"/>
        <source>Clients must send one of your access keys.</source>
        <translation>客户端必须发送你的某个访问密钥。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Any program on this computer can use OneGate, and through it your providers, without a key.</source>
        <translation>本机上的任何程序都无需密钥即可使用 OneGate，并通过它使用你的服务商。</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Settings not applied</source>
        <translation>设置未应用</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Moving OneGate to %1...</source>
        <translation>正在将 OneGate 切换到 %1...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved. OneGate will listen on %1 when it starts.</source>
        <translation>已保存。OneGate 下次启动时将监听 %1。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>OneGate now listens on %1.</source>
        <translation>OneGate 现在监听 %1。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Port %1 is already in use by another program, so OneGate keeps listening on %2. Choose another port, or close the program that uses it.</source>
        <translation>端口 %1 已被其他程序占用，因此 OneGate 继续监听 %2。请换一个端口，或关闭占用该端口的程序。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>OneGate could not listen on %1 (%2), so it keeps listening on %3.</source>
        <translation>OneGate 无法监听 %1（%2），因此继续监听 %3。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Port in use</source>
        <translation>端口已被占用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Address not available</source>
        <translation>地址不可用</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Start at login</source>
        <translation>登录时启动</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose the data folder</source>
        <translation>选择数据目录</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>OneGate will use %1 from its next start. The usage history stays in the current folder; move usage.db there yourself to keep it.</source>
        <translation>OneGate 下次启动时将使用 %1。用量记录仍保留在当前目录中；如需保留，请自行将 usage.db 移到新目录。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Holds the usage history (usage.db). A new folder takes effect after OneGate restarts.</source>
        <translation>用于存放用量记录（usage.db）。更改目录后需重启 OneGate 才会生效。</translation>
    </message>
</context>
<context>
    <name>onegate::TrayController</name>
    <message>
        <location filename="../ui/TrayController.cpp" line="+80"/>
        <source>OneGate</source>
        <translation>OneGate</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Browser access refused</source>
        <translation>浏览器访问被拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OneGate refused a request from %1 (client %2). If you trust it, allow it in Settings, under Browser access.</source>
        <translation>OneGate 拒绝了来自 %1 的请求（客户端 %2）。如果你信任它，可以在“设置”的“浏览器访问”中允许它。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Budget reached</source>
        <translation>已达到预算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The key %1 reached its monthly budget (%2 of %3): its requests are refused until %4 or until you raise the budget.</source>
        <translation>密钥 %1 已达到每月预算（%2 / %3）：在 %4 之前，或在你提高预算之前，它的请求都会被拒绝。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Budget warning</source>
        <translation>预算提醒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The key %1 has used %2 % of its monthly budget (%3 of %4).</source>
        <translation>密钥 %1 已用掉每月预算的 %2%（%3 / %4）。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Open OneGate</source>
        <translation>打开 OneGate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy endpoint URL</source>
        <translation>复制端点 URL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy an access key</source>
        <translation>复制访问密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause gateway</source>
        <translation>暂停网关</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start OneGate when I log in</source>
        <translation>登录时启动 OneGate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit OneGate</source>
        <translation>退出 OneGate</translation>
    </message>
</context>
</TS>
