package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Declares (or, with {@code declare: false}, checks) what the trigger consumes from: the exchange, the
 * dead-letter exchange, the queue with its dead-letter arguments, and the bindings. Declaring is
 * idempotent in RabbitMQ as long as the settings match; when they do not, the broker refuses with {@code
 * PRECONDITION_FAILED} and the failure says which settings to align.
 */
final class RabbitTopology {

    private static final String QUEUE_HINT = "RabbitMQ keeps a queue's settings once it exists: make durableQueue, "
            + "queueType, deadLetterExchange and deadLetterRoutingKey match the queue, delete the queue, or set "
            + "declare: false and configure it by policy";
    private static final String EXCHANGE_HINT = "RabbitMQ keeps an exchange's settings once it exists: make "
            + "exchangeType and durableExchange match it, or set declare: false";

    private final RabbitTriggerConfig config;

    RabbitTopology(RabbitTriggerConfig config) {
        this.config = config;
    }

    /**
     * Declares or checks everything the consumer needs.
     *
     * @param connection the connection, for probing channels
     * @param channel the consumer's channel
     * @throws ConnectFailure naming the step the broker refused
     */
    void apply(Connection connection, Channel channel) throws ConnectFailure {
        if (config.declare()) {
            declare(connection, channel);
        } else {
            check(channel);
        }
    }

    private void declare(Connection connection, Channel channel) throws ConnectFailure {
        String exchange = config.exchangeName();
        if (!exchange.isEmpty()) {
            if (exchange.startsWith("amq.")) {
                // the broker's own exchanges always exist and may not be declared
                step("find exchange '" + exchange + "'", "", () -> channel.exchangeDeclarePassive(exchange));
            } else {
                step(
                        "declare " + config.exchangeType() + " exchange '" + exchange + "'",
                        EXCHANGE_HINT,
                        () -> channel.exchangeDeclare(exchange, config.exchangeType(), config.durableExchange()));
            }
        }
        if (config.deadLetters()) {
            declareDeadLetterExchange(connection, channel);
        }
        String queue = config.queueName();
        step(
                "declare queue '" + queue + "'",
                QUEUE_HINT,
                () -> channel.queueDeclare(queue, config.durableQueue(), false, false, queueArguments()));
        if (!exchange.isEmpty()) {
            for (String topic : config.topics().isEmpty() ? List.of("") : config.topics()) {
                step(
                        "bind queue '" + queue + "' to exchange '" + exchange + "' with routing key '" + topic + "'",
                        "",
                        () -> channel.queueBind(queue, exchange, topic));
            }
        }
    }

    /** The dead-letter exchange is used as it is when it exists; otherwise it is declared a durable fanout. */
    private void declareDeadLetterExchange(Connection connection, Channel channel) throws ConnectFailure {
        String dlx = config.deadLetterExchange();
        if (exists(connection, dlx)) {
            return;
        }
        step(
                "declare dead-letter exchange '" + dlx + "'",
                EXCHANGE_HINT,
                () -> channel.exchangeDeclare(dlx, "fanout", true));
    }

    /** A passive declare of a missing exchange closes its channel, so it runs on a channel of its own. */
    private static boolean exists(Connection connection, String exchange) throws ConnectFailure {
        Channel probe = null;
        try {
            probe = connection.createChannel();
            probe.exchangeDeclarePassive(exchange);
            return true;
        } catch (IOException e) {
            if (ConnectFailure.replyCode(e) == 404) {
                return false;
            }
            throw ConnectFailure.of("look up exchange '" + exchange + "'", "", e);
        } catch (RuntimeException e) {
            throw ConnectFailure.of("look up exchange '" + exchange + "'", "", e);
        } finally {
            closeQuietly(probe);
        }
    }

    private Map<String, Object> queueArguments() {
        Map<String, Object> arguments = new HashMap<>();
        if (config.deadLetters()) {
            arguments.put("x-dead-letter-exchange", config.deadLetterExchange());
            if (!config.deadLetterRoutingKey().isEmpty()) {
                arguments.put("x-dead-letter-routing-key", config.deadLetterRoutingKey());
            }
        }
        if (!config.queueType().isEmpty()) {
            arguments.put("x-queue-type", config.queueType());
        }
        return arguments;
    }

    private void check(Channel channel) throws ConnectFailure {
        String queue = config.queueName();
        String missing = "declare: false, so the trigger does not create it";
        step("find queue '" + queue + "'", missing, () -> channel.queueDeclarePassive(queue));
        if (!config.exchangeName().isEmpty()) {
            step(
                    "find exchange '" + config.exchangeName() + "'",
                    missing,
                    () -> channel.exchangeDeclarePassive(config.exchangeName()));
        }
        if (config.deadLetters()) {
            step(
                    "find dead-letter exchange '" + config.deadLetterExchange() + "'",
                    missing,
                    () -> channel.exchangeDeclarePassive(config.deadLetterExchange()));
        }
    }

    private static void step(String what, String hint, Step step) throws ConnectFailure {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            throw ConnectFailure.of(what, hint, e);
        }
    }

    private static void closeQuietly(Channel channel) {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        try {
            channel.close();
        } catch (Exception e) {
            // the connection went away; nothing to release
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }
}
