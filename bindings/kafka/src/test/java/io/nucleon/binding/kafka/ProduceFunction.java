package io.nucleon.binding.kafka;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends each request's body to Kafka through the {@code orders} binding: to {@code ?topic=} when given, else to the
 * binding's default topic, with {@code ?key=} as the key. Answers {@code topic/partition/offset} once the broker
 * acknowledged, or {@code sent} at once with {@code ?wait=false}; a send the binding refuses is a 400 with its
 * message. The drain hook flushes.
 */
public final class ProduceFunction implements Function {

    /** The binding the last worker fetched, for tests that use it after the processor closed. */
    static volatile KafkaProducerBinding lastBinding;

    private KafkaProducerBinding orders;

    @Override
    public void init(InitContext context) {
        orders = context.dataBinding("orders", KafkaProducerBinding.class);
        lastBinding = orders;
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String topic = parameter(event.query(), "topic");
        String key = parameter(event.query(), "key");
        CompletableFuture<RecordMetadata> sent;
        try {
            sent = topic == null ? orders.send(key, event.bodyString()) : orders.send(topic, key, event.bodyString());
        } catch (IllegalStateException e) {
            return Response.of(400, e.getMessage());
        }
        if ("false".equals(parameter(event.query(), "wait"))) {
            return Response.ok("sent");
        }
        RecordMetadata written = sent.get(20, TimeUnit.SECONDS);
        return Response.ok(written.topic() + "/" + written.partition() + "/" + written.offset());
    }

    @Override
    public void drain() {
        orders.flush();
    }

    private static String parameter(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }
}
