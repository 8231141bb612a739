package io.nucleon.binding.redis;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;

/** A test function: publishes the body to the channel named by {@code ?channel=} and answers the receiver count. */
public final class PublishingFunction implements Function {

    private RedisBinding redis;

    @Override
    public void init(InitContext context) {
        redis = context.dataBinding("cache", RedisBinding.class);
    }

    @Override
    public Response handle(Context context, Event event) {
        String channel = event.query().substring("channel=".length());
        return Response.ok(Long.toString(redis.publish(channel, event.bodyString())));
    }
}
