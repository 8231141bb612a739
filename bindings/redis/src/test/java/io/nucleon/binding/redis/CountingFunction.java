package io.nucleon.binding.redis;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.time.Duration;

/**
 * A test function: per request, counts in {@code <body>:count}, stores {@code <body>:last}, a key with a TTL and a
 * hash field through the raw client, and answers the count.
 */
public final class CountingFunction implements Function {

    private RedisBinding redis;

    @Override
    public void init(InitContext context) {
        redis = context.dataBinding("cache", RedisBinding.class);
    }

    @Override
    public Response handle(Context context, Event event) {
        String base = event.bodyString();
        long count = redis.increment(base + ":count");
        redis.set(base + ":last", "request " + count);
        redis.set(base + ":recent", "yes", Duration.ofMinutes(5));
        redis.client().hset(base + ":workers", Integer.toString(context.workerId()), Long.toString(count));
        return Response.ok(count + " " + redis.get(base + ":last"));
    }
}
