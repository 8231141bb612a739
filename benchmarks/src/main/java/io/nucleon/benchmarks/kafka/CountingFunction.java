package io.nucleon.benchmarks.kafka;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;

/** The function the trigger runs: the same work as the baseline loop, one {@link RecordSink#record} per record. */
public final class CountingFunction implements Function {

    @Override
    public Response handle(Context context, Event event) {
        RecordSink.record(event.bodySize());
        return Response.noContent();
    }
}
