<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>onegate::Desktop</name>
    <message numerus="yes">
        <location filename="../ui/DesktopApp.cpp" line="+166"/>
        <source>%1 · %n request(s) today</source>
        <translation>
            <numerusform>%1 · %n request today</numerusform>
            <numerusform>%1 · %n requests today</numerusform>
        </translation>
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
Requests use this %n key.</numerusform>
            <numerusform>%1
Requests take turns across these %n keys.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+308"/>
        <source>%n keys in keychain</source>
        <translation>
            <numerusform>%n key in keychain</numerusform>
            <numerusform>%n keys in keychain</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n keys from environment</source>
        <translation>
            <numerusform>%n key from environment</numerusform>
            <numerusform>%n keys from environment</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n keys from keychain and environment</source>
        <translation>
            <numerusform>%n key from keychain and environment</numerusform>
            <numerusform>%n keys from keychain and environment</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>OK: %n model(s)</source>
        <translation>
            <numerusform>OK: %n model</numerusform>
            <numerusform>OK: %n models</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>onegate::ProvidersPage</name>
    <message numerus="yes">
        <location filename="../ui/pages/ProvidersPage.cpp" line="+478"/>
        <location line="+16"/>
        <source>%1 answered and lists %n model(s).</source>
        <translation>
            <numerusform>%1 answered and lists %n model.</numerusform>
            <numerusform>%1 answered and lists %n models.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>%1 now serves %n model(s).</source>
        <translation>
            <numerusform>%1 now serves %n model.</numerusform>
            <numerusform>%1 now serves %n models.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+72"/>
        <source>Add %1 at %2 (%n model(s))</source>
        <translation>
            <numerusform>Add %1 at %2 (%n model)</numerusform>
            <numerusform>Add %1 at %2 (%n models)</numerusform>
        </translation>
    </message>
</context>
</TS>
