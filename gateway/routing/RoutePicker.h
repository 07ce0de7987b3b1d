#pragma once

#include "HealthBook.h"
#include "ModelRouter.h"

#include <QList>
#include <QRandomGenerator>

namespace onegate {

// Puts a model's candidate routes in the order one request tries them: priority tiers
// from the lowest number up; inside a tier, weighted random draws without replacement,
// each route weighing
//
//     effective = weight * S * F
//     S = max(0.05, EWMA success rate)                        1 for a route never tried
//     F = max(0.05, (fastest TTFB + 25) / (own TTFB + 25))    1 for a route without a sample
//
// (TTFB in ms, EWMA; "fastest" among the tier's routes), so a route answering half as
// often, or (well above 25 ms) twice as slowly, as its peers gets about half the first
// picks, and wins them back as its EWMAs recover. The 25 ms keep jitter between fast
// local servers from skewing the split. The floors keep a bad route in
// the draw: it is the breaker's job, not the balancer's, to take it out. A fixed seed
// makes the draws repeatable for tests.
class RoutePicker final {
public:
    RoutePicker() : m_random(QRandomGenerator::securelySeeded()) {}
    explicit RoutePicker(quint32 seed) : m_random(seed) {}

    QList<RouteTarget> order(QList<RouteTarget> candidates, const HealthBook &health);
    static double effectiveWeight(int weight, const RouteHealth &health, double fastestTtfbMs);
    QRandomGenerator &random() { return m_random; }

private:
    QRandomGenerator m_random;
};

} // namespace onegate
