package io.nucleon.processor;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;

/** Sleeps for the number of milliseconds in the body, then answers "done after N ms". */
public final class SlowFunction implements Function {

    @Override
    public Response handle(Context context, Event event) throws Exception {
        long millis =
                event.bodySize() == 0 ? 0 : Long.parseLong(event.bodyString().trim());
        Thread.sleep(millis);
        return Response.ok("done after " + millis + " ms");
    }
}
