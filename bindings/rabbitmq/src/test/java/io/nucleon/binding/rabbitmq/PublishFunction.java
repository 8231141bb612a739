package io.nucleon.binding.rabbitmq;

import com.rabbitmq.client.AMQP;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes each request's body through the data binding {@code events}: the path (without its {@code /}) is the
 * routing key; {@code ?exchange=X} publishes to exchange {@code X} with properties of its own (content type and a
 * {@code worker} header), else the binding's {@code exchangeName} is used. Answers the worker's channel number.
 */
public final class PublishFunction implements Function {

    /** The bindings the workers fetched in init, by function name, for tests to inspect after the processor. */
    static final Map<String, List<RabbitMqBinding>> BINDINGS = new ConcurrentHashMap<>();

    private static final String EXCHANGE = "exchange=";

    private RabbitMqBinding events;
    private AMQP.BasicProperties props;

    @Override
    public void init(InitContext context) {
        events = context.dataBinding("events", RabbitMqBinding.class);
        props = new AMQP.BasicProperties.Builder()
                .contentType("text/plain")
                .headers(Map.of("worker", context.workerId()))
                .build();
        BINDINGS.computeIfAbsent(context.functionName(), name -> new CopyOnWriteArrayList<>())
                .add(events);
    }

    @Override
    public Response handle(Context context, Event event) {
        String routingKey = event.path().substring(1);
        if (event.query().startsWith(EXCHANGE)) {
            events.publish(event.query().substring(EXCHANGE.length()), routingKey, props, event.bodyBytes());
        } else {
            events.publish(routingKey, event.bodyBytes());
        }
        return Response.ok(Integer.toString(events.channel().getChannelNumber()));
    }
}
