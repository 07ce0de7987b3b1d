#pragma once

#include <QLatin1String>
#include <QString>

namespace onegate::anthropic {

// Anthropic accepts tool ids matching ^[a-zA-Z0-9_-]+$ only, while clients replay ids
// minted by other providers ("functions.search:0", "call|1", ...). The mapping is
// injective and reversible, and the same function serves tool_use.id and
// tool_result.tool_use_id, so a call and its result always still match:
// - an id that already matches and does not start with kEncodedToolIdPrefix is sent as is;
// - any other id becomes the prefix + base64url (no padding) of its UTF-8 bytes.
// Encoded ids all start with the prefix and plain ones never do, so no two ids collide.
inline const QLatin1String kEncodedToolIdPrefix("ogid_");

QString toAnthropicToolId(const QString &id);
// Reverses toAnthropicToolId; ids Anthropic minted (toolu_...) come back unchanged.
QString fromAnthropicToolId(const QString &id);

} // namespace onegate::anthropic
