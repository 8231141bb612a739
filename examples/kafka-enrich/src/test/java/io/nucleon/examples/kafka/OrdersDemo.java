package io.nucleon.examples.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The client side of {@code examples/kafka-enrich/run.sh}: creates the topics, produces order lines and
 * prints what comes out. Needs only kafka-clients, so the script runs it as a single source file:
 *
 * <pre>
 *   java -cp kafka-clients.jar:slf4j-api.jar OrdersDemo.java topics  BROKERS
 *   java -cp ...                             OrdersDemo.java produce BROKERS COUNT
 *   java -cp ...                             OrdersDemo.java read    BROKERS TOPIC COUNT
 * </pre>
 */
final class OrdersDemo {

    /** Sent after the good orders; EnrichOrders cannot parse it, so it ends in the dead-letter topic. */
    static final String MALFORMED = "order-bad,three,4.50";

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private OrdersDemo() {}

    public static void main(String[] args) throws ExecutionException, InterruptedException {
        if (args.length < 2) {
            usage();
        }
        Map<String, Object> client = Map.of("bootstrap.servers", args[1]);
        switch (args[0]) {
            case "topics" -> createTopics(client);
            case "produce" -> produce(client, args.length == 3 ? Integer.parseInt(args[2]) : 20);
            case "read" -> {
                if (args.length != 4) {
                    usage();
                }
                read(client, args[2], Integer.parseInt(args[3]));
            }
            default -> usage();
        }
    }

    /** Two input partitions, so that both of the trigger's workers get batches. */
    private static void createTopics(Map<String, Object> client) throws InterruptedException {
        try (Admin admin = Admin.create(client)) {
            for (NewTopic topic : List.of(
                    new NewTopic("orders", 2, (short) 1),
                    new NewTopic("orders-enriched", 2, (short) 1),
                    new NewTopic("orders-dlq", 1, (short) 1))) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                    int partitions = topic.numPartitions();
                    System.out.printf(
                            "    created topic %s (%d partition%s)%n",
                            topic.name(), partitions, partitions == 1 ? "" : "s");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name(), e.getCause());
                    }
                }
            }
        }
    }

    /** Sends everything before waiting, so that the lines arrive together and make a few large batches. */
    private static void produce(Map<String, Object> client, int count) throws ExecutionException, InterruptedException {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            int unitPriceCents = 250 + i * 37 % 1000;
            String line = "order-%d,%d,%d.%02d".formatted(i, 1 + i % 4, unitPriceCents / 100, unitPriceCents % 100);
            records.add(new ProducerRecord<>("orders", "customer-" + i % 3, line));
        }
        records.add(new ProducerRecord<>("orders", "customer-0", MALFORMED));
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> record : records) {
                sends.add(producer.send(record));
            }
            for (int i = 0; i < records.size(); i++) {
                RecordMetadata metadata = sends.get(i).get();
                System.out.printf(
                        "    %-10s -> orders/%d/%-3d %s%n",
                        records.get(i).key(),
                        metadata.partition(),
                        metadata.offset(),
                        records.get(i).value());
            }
        }
    }

    /** Reads the topic from its start until {@code count} records came, or 30 s passed (exit code 1). */
    private static void read(Map<String, Object> client, String topic, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(client, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo partition : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, partition.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.forEach(OrdersDemo::print);
        if (records.size() < count) {
            System.err.println("Only " + records.size() + " of " + count + " records arrived in " + topic + " within "
                    + READ_TIMEOUT.toSeconds() + " s.");
            System.exit(1);
        }
    }

    private static void print(ConsumerRecord<String, String> record) {
        System.out.printf("    %-10s %s%n", record.key(), record.value());
        for (Header header : record.headers()) {
            System.out.printf("        %s: %s%n", header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
    }

    private static void usage() {
        System.err.println("Usage: OrdersDemo topics BROKERS | produce BROKERS [COUNT] | read BROKERS TOPIC COUNT");
        System.exit(2);
    }
}
