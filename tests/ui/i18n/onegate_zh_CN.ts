<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- A test fixture, not the product's translation: just enough for tst_ui_settings to
     watch pages retranslate live. -->
<TS version="2.1" language="zh_CN">
<context>
    <name>onegate::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
</context>
<context>
    <name>onegate::ConnectPage</name>
    <message>
        <source>Connect a client</source>
        <translation>连接客户端</translation>
    </message>
</context>
</TS>
