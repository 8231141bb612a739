package io.nucleon.examples.hello;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/**
 * Greets the caller: {@code curl -d Ada http://127.0.0.1:8080/} answers {@code Hello, Ada!}; without a
 * body it answers {@code Hello, world!}. Each worker counts the events it handled, to show per-worker
 * state without locks.
 */
public final class Hello implements Function {

    private static final Response HELLO_WORLD = Response.ok("Hello, world!\n");

    private long handled;

    @Override
    public void init(InitContext context) {
        context.logger().info("hello function ready");
    }

    @Override
    public Response handle(Context context, Event event) {
        handled++;
        if (event.bodySize() == 0) {
            return HELLO_WORLD;
        }
        return Response.builder()
                .body("Hello, " + event.bodyString().strip() + "!\n")
                .header("X-Handled-By-Worker", Integer.toString(context.workerId()))
                .header("X-Worker-Event-Count", Long.toString(handled))
                .build();
    }
}
