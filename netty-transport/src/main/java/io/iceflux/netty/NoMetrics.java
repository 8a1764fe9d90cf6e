package io.iceflux.netty;

/** The metrics that record nothing. */
final class NoMetrics implements GathererMetrics {
    static final NoMetrics INSTANCE = new NoMetrics();

    private NoMetrics() {
    }

    @Override
    public String toString() {
        return "GathererMetrics.none()";
    }
}
