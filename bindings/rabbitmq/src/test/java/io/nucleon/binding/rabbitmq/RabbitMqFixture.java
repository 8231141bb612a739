package io.nucleon.binding.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * One test's unique names, a connection of its own to the shared RabbitMQ for declaring queues and reading messages
 * back, and the function.yaml lines of a binding {@code events}. {@link #close()} deletes the queues it declared.
 */
final class RabbitMqFixture implements AutoCloseable {

    static final String URL = "amqp://guest:guest@127.0.0.1:5672/";

    final String function = "rmq-binding-" + UUID.randomUUID().toString().substring(0, 8);

    private final Connection connection;
    private final Channel channel;
    private final List<String> queues = new ArrayList<>();

    RabbitMqFixture() throws IOException, TimeoutException {
        SharedBroker.RABBITMQ.require();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(5672);
        connection = factory.newConnection("nucleon-test-" + function);
        channel = connection.createChannel();
    }

    /** @return the name of a new, empty queue that the fixture deletes at the end */
    String queue() throws IOException {
        return queue(Map.of());
    }

    /**
     * @param arguments the queue's arguments, e.g. {@code x-max-length}
     * @return the name of a new, empty queue that the fixture deletes at the end
     */
    String queue(Map<String, Object> arguments) throws IOException {
        String queue = function + "-q" + queues.size();
        channel.queueDeclare(queue, false, false, false, arguments);
        queues.add(queue);
        return queue;
    }

    /** @return the test's own channel */
    Channel channel() {
        return channel;
    }

    /** @return every message in the queue, taken off it, oldest first */
    List<GetResponse> drain(String queue) throws IOException {
        List<GetResponse> messages = new ArrayList<>();
        for (GetResponse message = channel.basicGet(queue, true);
                message != null;
                message = channel.basicGet(queue, true)) {
            messages.add(message);
        }
        return messages;
    }

    static String body(GetResponse message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }

    /**
     * @param url the binding's url
     * @param attributes more lines of its {@code attributes}, e.g. {@code exchangeName: x}
     * @return {@code spec} lines declaring the binding {@code events}
     */
    static String binding(String url, String... attributes) {
        StringBuilder yaml = new StringBuilder("""
                  dataBindings:
                    events:
                      kind: rabbit-mq
                      url: %s
                      attributes:
                        confirmTimeout: 5s
                """.formatted(url));
        for (String line : attributes) {
            yaml.append("        ").append(line).append('\n');
        }
        return yaml.toString();
    }

    HttpProcessor start(String specExtras) {
        return HttpProcessor.start(function, PublishFunction.class.getName(), specExtras);
    }

    @Override
    public void close() throws IOException, TimeoutException {
        for (String queue : queues) {
            channel.queueDelete(queue);
        }
        connection.close();
        PublishFunction.BINDINGS.remove(function);
    }
}
