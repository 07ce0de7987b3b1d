#include "RoutePicker.h"

#include <algorithm>

namespace onegate {

namespace {
constexpr double kFloor = 0.05;
// Added to both times before comparing them: a few milliseconds of jitter between two
// local servers must not halve one's share; hundreds between two providers should.
constexpr double kLatencySmoothingMs = 25.0;
}

double RoutePicker::effectiveWeight(int weight, const RouteHealth &health, double fastestTtfbMs)
{
    const double success = std::max(kFloor, health.successRate);
    const double speed = health.ttfbMs >= 0 && fastestTtfbMs >= 0
        ? std::max(kFloor, std::min(1.0, (fastestTtfbMs + kLatencySmoothingMs) / (health.ttfbMs + kLatencySmoothingMs)))
        : 1.0;
    return double(std::max(1, weight)) * success * speed;
}

QList<RouteTarget> RoutePicker::order(QList<RouteTarget> candidates, const HealthBook &health)
{
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const RouteTarget &a, const RouteTarget &b) { return a.priority < b.priority; });
    QList<RouteTarget> ordered;
    ordered.reserve(candidates.size());
    qsizetype tierStart = 0;
    while (tierStart < candidates.size()) {
        qsizetype tierEnd = tierStart;
        while (tierEnd < candidates.size() && candidates[tierEnd].priority == candidates[tierStart].priority)
            ++tierEnd;
        QList<RouteTarget> tier = candidates.mid(tierStart, tierEnd - tierStart);
        QList<RouteHealth> views;
        double fastest = -1;
        for (const RouteTarget &target : tier) {
            views.append(health.route(target.provider->id, target.upstreamModel));
            if (views.last().ttfbMs >= 0 && (fastest < 0 || views.last().ttfbMs < fastest))
                fastest = views.last().ttfbMs;
        }
        QList<double> weights;
        for (qsizetype i = 0; i < tier.size(); ++i)
            weights.append(effectiveWeight(tier[i].weight, views[i], fastest));
        while (!tier.isEmpty()) {
            double total = 0;
            for (double w : weights)
                total += w;
            double draw = m_random.generateDouble() * total;
            qsizetype pick = tier.size() - 1;
            for (qsizetype i = 0; i < tier.size(); ++i) {
                if (draw < weights[i]) {
                    pick = i;
                    break;
                }
                draw -= weights[i];
            }
            ordered.append(tier.takeAt(pick));
            weights.removeAt(pick);
        }
        tierStart = tierEnd;
    }
    return ordered;
}

} // namespace onegate
