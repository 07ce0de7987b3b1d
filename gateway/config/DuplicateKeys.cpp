#include "DuplicateKeys.h"

#include <QList>
#include <QSet>

namespace onegate {

namespace {

struct Container {
    bool isObject = false;
    QString path;
    QSet<QByteArray> keys;   // objects: keys seen so far
    QByteArray lastKey;      // objects: key of the value being read
    bool expectingKey = false;
    int index = 0;           // arrays: position of the value being read
};

QString joinKey(const QString &path, const QByteArray &key)
{
    const QString name = QString::fromUtf8(key);
    return path.isEmpty() ? name : path + u'.' + name;
}

QString childPath(const QList<Container> &stack)
{
    if (stack.isEmpty())
        return {};
    const Container &parent = stack.constLast();
    if (parent.isObject)
        return joinKey(parent.path, parent.lastKey);
    return parent.path + u'[' + QString::number(parent.index) + u']';
}

// Returns the index just past the closing quote of the string starting at `open`.
qsizetype skipString(const QByteArray &json, qsizetype open)
{
    qsizetype i = open + 1;
    while (i < json.size() && json.at(i) != '"')
        i += json.at(i) == '\\' ? 2 : 1;
    return i + 1;
}

} // namespace

std::optional<QString> findDuplicateKey(const QByteArray &json)
{
    QList<Container> stack;
    qsizetype i = 0;
    while (i < json.size()) {
        const char c = json.at(i);
        if (c == '{' || c == '[') {
            Container container;
            container.isObject = c == '{';
            container.expectingKey = container.isObject;
            container.path = childPath(stack);
            stack.append(container);
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
        } else if (c == ',' && !stack.isEmpty()) {
            Container &top = stack.last();
            top.expectingKey = top.isObject;
            ++top.index;
        } else if (c == '"') {
            const qsizetype end = skipString(json, i);
            if (!stack.isEmpty() && stack.constLast().expectingKey) {
                Container &top = stack.last();
                top.lastKey = json.mid(i + 1, end - i - 2);
                top.expectingKey = false;
                if (top.keys.contains(top.lastKey))
                    return joinKey(top.path, top.lastKey);
                top.keys.insert(top.lastKey);
            }
            i = end;
            continue;
        }
        ++i;
    }
    return std::nullopt;
}

} // namespace onegate
