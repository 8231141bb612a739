package io.nucleon.trigger.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;

/** HTTP-level counters that the worker pool cannot see: requests refused before dispatch, connections. */
final class HttpTriggerMetrics {

    private final Counter badRequests;
    private final Counter tooLarge;
    private final Counter connectionErrors;
    private final Counter invalidResponses;
    private final AtomicInteger openConnections = new AtomicInteger();

    HttpTriggerMetrics(MeterRegistry registry, Tags tags) {
        this.badRequests = rejected(registry, tags, "bad_request");
        this.tooLarge = rejected(registry, tags, "too_large");
        this.connectionErrors =
                Counter.builder("nucleon_http_connection_errors").tags(tags).register(registry);
        this.invalidResponses = Counter.builder("nucleon_http_invalid_responses")
                .description("Function responses that could not be sent as HTTP (answered 500)")
                .tags(tags)
                .register(registry);
        Gauge.builder("nucleon_http_open_connections", openConnections, AtomicInteger::get)
                .tags(tags)
                .register(registry);
    }

    private static Counter rejected(MeterRegistry registry, Tags tags, String reason) {
        return Counter.builder("nucleon_http_requests_rejected")
                .tags(tags.and("reason", reason))
                .register(registry);
    }

    void badRequest() {
        badRequests.increment();
    }

    void tooLarge() {
        tooLarge.increment();
    }

    void invalidResponse() {
        invalidResponses.increment();
    }

    void connectionError() {
        connectionErrors.increment();
    }

    void connectionOpened() {
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }
}
