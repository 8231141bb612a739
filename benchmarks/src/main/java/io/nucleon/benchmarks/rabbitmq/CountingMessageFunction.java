package io.nucleon.benchmarks.rabbitmq;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;

/** The function the trigger runs: the baseline's work, one {@link MessageCounter#record} per message. */
public final class CountingMessageFunction implements Function {

    @Override
    public Response handle(Context context, Event event) {
        MessageCounter.record(event.bodySize());
        return Response.noContent();
    }
}
