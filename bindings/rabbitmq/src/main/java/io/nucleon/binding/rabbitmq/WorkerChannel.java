package io.nucleon.binding.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * One worker's {@link RabbitMqBinding}: a channel in confirm mode on the binding's connection, used only from the
 * worker's thread. Each publish is sent and then waited for ({@code waitForConfirmsOrDie}); RabbitMQ sends the
 * {@code basic.return} of an unroutable mandatory message before its {@code basic.ack}, and the client handles both
 * on its connection thread in that order, so once the wait is over {@link #returned} says whether the message was
 * returned.
 *
 * <p>A channel that RabbitMQ closed (a channel error) or that a nack or a confirm timeout closed is replaced by a
 * new one at the next call, while the connection is open; one closed with the connection is left to the client's
 * recovery, which reopens it in confirm mode.
 */
final class WorkerChannel implements RabbitMqBinding, AutoCloseable {

    private static final int PERSISTENT = 2;

    private final RabbitMqDataBinding owner;
    private final String bindingName;
    private final RabbitMqBindingConfig config;
    private final long confirmTimeoutMs;
    private final AMQP.BasicProperties defaultProperties;
    private final ReturnListener returns = this::onReturn;
    /** What RabbitMQ said when it returned the message being published, or {@code null}; set on its thread. */
    private volatile String returned;

    private Channel channel;
    private boolean closed;

    WorkerChannel(RabbitMqDataBinding owner, String bindingName, RabbitMqBindingConfig config, Channel channel) {
        this.owner = owner;
        this.bindingName = bindingName;
        this.config = config;
        this.confirmTimeoutMs = config.confirmTimeout().toMillis();
        this.defaultProperties =
                config.persistent() ? MessageProperties.MINIMAL_PERSISTENT_BASIC : MessageProperties.MINIMAL_BASIC;
        if (channel != null) {
            use(channel);
        }
    }

    @Override
    public void publish(String routingKey, byte[] body) {
        publish(config.exchangeName(), routingKey, null, body);
    }

    @Override
    public void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(body, "body");
        Channel target = openChannel(exchange, routingKey);
        returned = null;
        try {
            target.basicPublish(exchange, routingKey, config.mandatory(), properties(props), body);
        } catch (IOException | ShutdownSignalException e) {
            throw failure(exchange, routingKey, "cannot send the message: " + AmqpFailures.said(e), e);
        }
        awaitConfirm(target, exchange, routingKey);
        String why = returned;
        if (why != null) {
            throw failure(
                    exchange,
                    routingKey,
                    "RabbitMQ returned the message as unroutable (" + why + "): nothing is bound for its routing key; "
                            + "with mandatory on, the publish fails rather than the message being dropped",
                    null);
        }
    }

    private void awaitConfirm(Channel target, String exchange, String routingKey) {
        try {
            target.waitForConfirmsOrDie(confirmTimeoutMs);
        } catch (TimeoutException e) {
            throw failure(
                    exchange,
                    routingKey,
                    "RabbitMQ did not confirm the message within confirmTimeout (" + confirmTimeoutMs
                            + " ms); it may or may not have arrived",
                    e);
        } catch (IOException e) {
            throw failure(exchange, routingKey, "RabbitMQ refused the message (nack): " + AmqpFailures.said(e), e);
        } catch (ShutdownSignalException e) {
            throw failure(exchange, routingKey, "the message was not confirmed: " + AmqpFailures.said(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(exchange, routingKey, "interrupted while waiting for RabbitMQ's confirm", e);
        }
    }

    private AMQP.BasicProperties properties(AMQP.BasicProperties props) {
        if (props == null) {
            return defaultProperties;
        }
        if (props.getDeliveryMode() != null || !config.persistent()) {
            return props;
        }
        return props.builder().deliveryMode(PERSISTENT).build();
    }

    private void onReturn(
            int replyCode,
            String replyText,
            String exchange,
            String routingKey,
            AMQP.BasicProperties properties,
            byte[] body) {
        returned = replyCode + " " + replyText;
    }

    @Override
    public Channel channel() {
        if (!closed && (channel == null || !channel.isOpen()) && owner.connectionOpen()) {
            try {
                reopen();
            } catch (IOException | TimeoutException | RuntimeException e) {
                // the caller's next call on the closed channel says that it is closed
            }
        }
        if (channel == null) {
            throw new IllegalStateException("data binding '" + bindingName + "': no channel yet: the connection to"
                    + " RabbitMQ is down; the client reconnects every " + RabbitMqDataBinding.RECOVERY_INTERVAL_MS
                    + " ms");
        }
        return channel;
    }

    /** @return this worker's channel, reopened first when it closed while the connection stayed up */
    private Channel openChannel(String exchange, String routingKey) {
        if (closed) {
            throw failure(exchange, routingKey, "the worker's binding is closed", null);
        }
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (!owner.connectionOpen()) {
            ShutdownSignalException why = channel == null ? null : channel.getCloseReason();
            throw failure(
                    exchange,
                    routingKey,
                    "the connection to RabbitMQ is down"
                            + (why == null ? "" : " (" + AmqpFailures.said(why) + ")")
                            + "; the client reconnects every " + RabbitMqDataBinding.RECOVERY_INTERVAL_MS + " ms",
                    why);
        }
        try {
            return reopen();
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw failure(exchange, routingKey, "cannot open a new channel: " + AmqpFailures.said(e), e);
        }
    }

    private Channel reopen() throws IOException, TimeoutException {
        if (channel != null) {
            RabbitMqDataBinding.closeQuietly(channel); // unregisters it from recovery
        }
        use(owner.openChannel());
        return channel;
    }

    private void use(Channel fresh) {
        fresh.addReturnListener(returns);
        channel = fresh;
    }

    private RabbitMqPublishException failure(String exchange, String routingKey, String what, Throwable cause) {
        String where = exchange.isEmpty() ? "the default exchange" : "exchange '" + exchange + "'";
        return new RabbitMqPublishException(
                "data binding '" + bindingName + "': " + what + " (publishing to " + where + " with routing key '"
                        + routingKey + "')",
                cause);
    }

    /** Closes the channel (the worker ended); bounded by the connection's RPC timeout. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (channel != null) {
                RabbitMqDataBinding.closeQuietly(channel);
            }
        }
    }
}
