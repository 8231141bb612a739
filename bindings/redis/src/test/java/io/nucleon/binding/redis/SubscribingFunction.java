package io.nucleon.binding.redis;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/**
 * A test function: worker 0 subscribes to {@code env CHANNEL} in init and appends every message to the list
 * {@code <CHANNEL>:received}; a message {@code boom} makes the listener throw. Requests answer the list's length.
 */
public final class SubscribingFunction implements Function {

    private RedisBinding redis;
    private String channel;
    private AutoCloseable subscription;

    @Override
    public void init(InitContext context) {
        redis = context.dataBinding("cache", RedisBinding.class);
        channel = context.env("CHANNEL");
        if (context.workerId() == 0) {
            subscription = redis.subscribe(channel, this::received);
        }
    }

    private void received(String from, String message) {
        if (message.equals("boom")) {
            throw new IllegalStateException("listener failed on purpose");
        }
        redis.client().rpush(from + ":received", message);
    }

    @Override
    public Response handle(Context context, Event event) {
        return Response.ok(Long.toString(redis.client().llen(channel + ":received")));
    }

    @Override
    public void close() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
    }
}
