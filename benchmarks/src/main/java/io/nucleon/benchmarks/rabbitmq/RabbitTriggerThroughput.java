package io.nucleon.benchmarks.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * RabbitMQ messages/sec end to end, side by side in one run on the same broker and queue:
 *
 * <pre>
 *   publisher --N messages--> queue --> plain amqp-client consumer (prefetch P, count, basicAck each)
 *   publisher --N messages--> queue --> rabbit-mq trigger in a real Processor (W workers, prefetch P)
 * </pre>
 *
 * The queue is filled before each run, so both read a backlog as fast as they can; each run's rate counts
 * from its first message to its last. The plain consumer is what Nuclio's RabbitMQ trigger amounts to
 * (one consumer thread, ack per message) minus its wrapper process. Settings are system properties:
 * {@code messages} (100000), {@code rounds} (3, after one warm-up round), {@code workers} (2), {@code
 * prefetch} (256), {@code bodyBytes} (100), {@code url} (the local broker, guest/guest).
 */
public final class RabbitTriggerThroughput {

    private static final long RUN_TIMEOUT_SECONDS = 300;

    private RabbitTriggerThroughput() {}

    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("messages", 100_000);
        int rounds = Integer.getInteger("rounds", 3);
        int workers = Integer.getInteger("workers", 2);
        int prefetch = Integer.getInteger("prefetch", 256);
        byte[] body = new byte[Integer.getInteger("bodyBytes", 100)];
        String url = System.getProperty("url", "amqp://guest:guest@127.0.0.1:5672/%2F");
        String queue = "nucleon-bench-" + ProcessHandle.current().pid();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        List<Double> ratios = new ArrayList<>();
        try (Connection connection = factory.newConnection("rabbit-bench")) {
            try (Channel admin = connection.createChannel()) {
                admin.queueDeclare(queue, false, false, false, null);
            }
            try {
                for (int round = 0; round <= rounds; round++) {
                    publish(connection, queue, messages, body);
                    double plain = plainConsumer(connection, queue, messages, prefetch);
                    publish(connection, queue, messages, body);
                    double trigger = trigger(url, queue, messages, workers, prefetch);
                    String label = round == 0 ? "warm-up" : "round " + round;
                    System.out.printf(
                            "%-8s plain consumer %,10.0f msg/s   trigger (%d workers) %,10.0f msg/s   ratio %.2f%n",
                            label, plain, workers, trigger, trigger / plain);
                    if (round > 0) {
                        ratios.add(trigger / plain);
                    }
                }
            } finally {
                try (Channel admin = connection.createChannel()) {
                    admin.queueDelete(queue);
                }
            }
        }
        ratios.sort(Double::compare);
        System.out.printf(
                "median ratio trigger/plain over %d rounds: %.2f (%d messages of %d bytes, prefetch %d)%n",
                ratios.size(), ratios.get(ratios.size() / 2), messages, body.length, prefetch);
    }

    private static void publish(Connection connection, String queue, int messages, byte[] body)
            throws IOException, InterruptedException, java.util.concurrent.TimeoutException {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (int i = 0; i < messages; i++) {
                channel.basicPublish("", queue, null, body);
            }
            channel.waitForConfirmsOrDie(120_000);
        }
    }

    private static double plainConsumer(Connection connection, String queue, int messages, int prefetch)
            throws Exception {
        MessageCounter.reset(messages);
        try (Channel channel = connection.createChannel()) {
            channel.basicQos(prefetch);
            channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(
                        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    MessageCounter.record(body.length);
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            });
            return MessageCounter.awaitRate(RUN_TIMEOUT_SECONDS);
        }
    }

    private static double trigger(String url, String queue, int messages, int workers, int prefetch) throws Exception {
        MessageCounter.reset(messages);
        String yaml = """
                metadata:
                  name: rabbit-bench
                spec:
                  handler: %s
                  triggers:
                    queue:
                      kind: rabbit-mq
                      numWorkers: %d
                      attributes:
                        url: "%s"
                        queueName: %s
                        declare: false
                        maxInFlight: %d
                        prefetchCount: %d
                """.formatted(CountingMessageFunction.class.getName(), workers, url, queue, prefetch, prefetch);
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "rabbit-bench.yaml"), List.of())
                .withAdmin("127.0.0.1", 0)
                .withDrainTimeout(Duration.ofSeconds(10));
        try (Processor ignored = Processor.start(settings)) {
            return MessageCounter.awaitRate(RUN_TIMEOUT_SECONDS);
        }
    }
}
