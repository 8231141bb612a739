package demo;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/**
 * A function deployed from its sources: `nucleon deploy greeter -p examples/greeter-sources -e GREETING=Bonjour`
 * compiles this file on the fly against the function API and starts it. No build tool involved.
 */
public final class Greeter implements Function {

    private String greeting;

    @Override
    public void init(InitContext context) {
        String configured = context.env("GREETING");
        greeting = configured == null || configured.isBlank() ? "Hello" : configured;
    }

    @Override
    public Response handle(Context context, Event event) {
        String name = event.bodySize() == 0 ? "world" : event.bodyString();
        return Response.ok(greeting + ", " + name + "!\n");
    }
}
