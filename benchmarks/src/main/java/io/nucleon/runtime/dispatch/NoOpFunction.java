package io.nucleon.runtime.dispatch;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;

/** Answers every event with the same prebuilt response: what is measured is the hand-off around it. */
final class NoOpFunction implements Function {

    static final String NAME = "noop";

    private static final Response OK = Response.ok("ok");

    @Override
    public Response handle(Context context, Event event) {
        return OK;
    }
}
