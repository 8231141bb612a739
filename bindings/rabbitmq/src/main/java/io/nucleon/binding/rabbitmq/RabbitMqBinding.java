package io.nucleon.binding.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

/**
 * A {@code rabbit-mq} data binding as a function sees it: publishing with publisher confirms on this worker's own
 * channel. Fetch it in {@code init} and keep it in a field:
 *
 * <pre>{@code
 * private RabbitMqBinding events;
 *
 * public void init(InitContext context) {
 *     events = context.dataBinding("events", RabbitMqBinding.class);
 * }
 *
 * public Response handle(Context context, Event event) {
 *     events.publish("orders.created", event.bodyBytes()); // returns once RabbitMQ has the message
 *     return Response.noContent();
 * }
 * }</pre>
 *
 * <p>The processor holds one connection to RabbitMQ per binding, recovered automatically after a network failure;
 * each worker gets its own instance of this type with its own channel in confirm mode, because AMQP channels are
 * not thread-safe. Use an instance only from the worker that fetched it (the thread that runs its {@code init} and
 * {@code handle}); the worker's instance is closed when the worker ends.
 *
 * <p>Each publish waits for RabbitMQ's confirm and throws {@link RabbitMqPublishException} when the message is
 * not confirmed (a nack, no answer within {@code confirmTimeout}, a closed channel or connection) or, with {@code
 * mandatory} on (the default), when RabbitMQ returns it as unroutable. The exception fails the event, so its trigger
 * retries it: a message is either in RabbitMQ when {@code publish} returns, or the event failed.
 */
public interface RabbitMqBinding {

    /**
     * Publishes to the binding's {@code exchangeName} (the default exchange unless set, which routes {@code
     * routingKey} to the queue of that name) and waits for RabbitMQ's confirm. The message is persistent unless the
     * binding sets {@code persistent: false}.
     *
     * @param routingKey the routing key
     * @param body the message body; not copied, and not to be changed until this returns
     * @throws RabbitMqPublishException when RabbitMQ does not confirm the message or returns it as unroutable
     */
    void publish(String routingKey, byte[] body);

    /**
     * Publishes with properties of the caller's choosing and waits for RabbitMQ's confirm. When {@code props} is
     * {@code null} or has no delivery mode, the binding's {@code persistent} sets it; a delivery mode the caller
     * set stays.
     *
     * <pre>{@code
     * AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
     *         .contentType("application/json").messageId(orderId).build();
     * events.publish("orders", "created", props, json);
     * }</pre>
     *
     * @param exchange the exchange; an empty string for the default exchange
     * @param routingKey the routing key
     * @param props the message's properties and headers; may be {@code null}
     * @param body the message body; not copied, and not to be changed until this returns
     * @throws RabbitMqPublishException when RabbitMQ does not confirm the message or returns it as unroutable
     */
    void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body);

    /**
     * This worker's channel, in confirm mode, for what the publish calls do not cover (declaring queues, reading
     * with {@code basicGet}, publishing in batches and waiting for confirms once).
     *
     * <p>Call it again for each event rather than keeping the channel: RabbitMQ closes a channel on a channel error
     * (publishing to an exchange that does not exist, a declaration that does not match), and a nack or a confirm
     * timeout closes it too; the next call then opens a new one. While the connection itself is down, this returns
     * the closed channel, which the client reopens when it reconnects. Do not close it: the binding does. The
     * publish calls wait for every confirm outstanding on this channel, and take a message RabbitMQ returns while
     * they wait as their own, so wait for the confirms of what you publish here yourself before calling them.
     *
     * @return the channel of this worker
     */
    Channel channel();
}
