package io.nucleon.binding.rabbitmq;

import static io.nucleon.binding.rabbitmq.RabbitMqFixture.binding;
import static io.nucleon.binding.rabbitmq.RabbitMqFixture.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.TcpProxy;
import io.nucleon.testing.processor.HttpProcessor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding in a real processor against the shared RabbitMQ: {@link PublishFunction} publishes each HTTP request's
 * body, and the test reads the queue back on a connection of its own.
 */
class RabbitMqBindingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private RabbitMqFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new RabbitMqFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void shouldPublishEachRequestBodyPersistentlyAndConfirmed() throws Exception {
        String queue = fixture.queue();
        try (HttpProcessor processor = fixture.start(binding(RabbitMqFixture.URL))) {
            assertThat(processor.post("/" + queue, "first").statusCode()).isEqualTo(200);
            assertThat(processor.post("/" + queue + "?exchange=", "second").statusCode())
                    .isEqualTo(200);

            // confirmed before the function answered: in the queue now, no waiting
            List<GetResponse> messages = fixture.drain(queue);
            assertThat(messages).extracting(RabbitMqFixture::body).containsExactly("first", "second");
            assertThat(messages)
                    .allSatisfy(message ->
                            assertThat(message.getProps().getDeliveryMode()).isEqualTo(2));
            assertThat(messages.get(1).getProps().getContentType()).isEqualTo("text/plain");
            assertThat(messages.get(1).getProps().getHeaders()).containsKey("worker");
            assertThat(processor.metrics())
                    .containsPattern("nucleon_binding_rabbitmq_published_total\\{binding=\"events\",function=\""
                            + fixture.function + "\"} 2\\.0")
                    .containsPattern("nucleon_binding_rabbitmq_acknowledged_published_total\\{[^}]*} 2\\.0");
        }
    }

    @Test
    void shouldPublishToTheBindingsExchangeTransientWhenSoConfigured() throws Exception {
        String queue = fixture.queue();
        fixture.channel().queueBind(queue, "amq.direct", "orders." + fixture.function);
        String yaml = binding(RabbitMqFixture.URL, "exchangeName: amq.direct", "persistent: false");
        try (HttpProcessor processor = fixture.start(yaml)) {
            assertThat(processor.post("/orders." + fixture.function, "order-1").statusCode())
                    .isEqualTo(200);

            GetResponse message = fixture.drain(queue).getFirst();
            assertThat(body(message)).isEqualTo("order-1");
            assertThat(message.getEnvelope().getExchange()).isEqualTo("amq.direct");
            assertThat(message.getProps().getDeliveryMode()).isNull();
        }
    }

    @Test
    void shouldDeliverEveryMessageOfManyConcurrentRequestsOnePerWorkerChannel() throws Exception {
        String queue = fixture.queue();
        int requests = 200;
        try (HttpProcessor processor = fixture.start(binding(RabbitMqFixture.URL));
                ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String body = "m-" + i;
                answers.add(clients.submit(() -> processor.post("/" + queue, body)));
            }
            Set<String> channels = new HashSet<>();
            for (Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
                channels.add(answer.get().body());
            }

            List<String> bodies =
                    fixture.drain(queue).stream().map(RabbitMqFixture::body).toList();
            assertThat(bodies)
                    .hasSize(requests)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, requests).mapToObj(i -> "m-" + i).toList());
            List<RabbitMqBinding> workers = PublishFunction.BINDINGS.get(fixture.function);
            assertThat(workers).hasSize(2);
            assertThat(workers.get(0)).isNotSameAs(workers.get(1));
            assertThat(workers.get(0).channel()).isNotSameAs(workers.get(1).channel());
            assertThat(channels).hasSizeBetween(1, 2);
        }
    }

    @Test
    void shouldFailTheRequestWhenNoQueueTakesTheMessage() throws Exception {
        String queue = fixture.queue();
        String nowhere = "nowhere-" + fixture.function;
        try (HttpProcessor processor = fixture.start(binding(RabbitMqFixture.URL))) {
            HttpResponse<String> answer = processor.post("/" + nowhere, "lost?");

            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(answer.body())
                    .contains("data binding 'events': RabbitMQ returned the message as unroutable (312 NO_ROUTE): "
                            + "nothing is bound for its routing key");
            for (int i = 0; i < 10; i++) { // the channel stays usable, whichever worker failed
                assertThat(processor.post("/" + queue, "ok-" + i).statusCode()).isEqualTo(200);
            }
            assertThat(fixture.drain(queue)).hasSize(10);
        }
    }

    @Test
    void shouldFailTheRequestWhenRabbitMqNacksTheMessageAndPublishOnANewChannelAfterwards() throws Exception {
        // a full queue that refuses more: RabbitMQ nacks the publish
        String queue = fixture.queue(Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        try (HttpProcessor processor = fixture.start(binding(RabbitMqFixture.URL))) {
            assertThat(processor.post("/" + queue, "fits").statusCode()).isEqualTo(200);

            HttpResponse<String> answer = processor.post("/" + queue, "too many");

            assertThat(answer.statusCode()).isEqualTo(500);
            assertThat(answer.body()).contains("data binding 'events': RabbitMQ refused the message (nack)");
            assertThat(fixture.drain(queue)).extracting(RabbitMqFixture::body).containsExactly("fits");
            for (int i = 0; i < 10; i++) { // the nack closed a channel: whichever worker had it opens a new one
                assertThat(processor.post("/" + queue, "ok-" + i).statusCode()).isEqualTo(200);
                assertThat(fixture.drain(queue)).hasSize(1);
            }
        }
    }

    @Test
    void shouldDropAnUnroutableMessageWithoutFailingWhenNotMandatory() throws Exception {
        try (HttpProcessor processor = fixture.start(binding(RabbitMqFixture.URL, "mandatory: false"))) {
            assertThat(processor.post("/nowhere-" + fixture.function, "dropped").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldFailTheRequestOnAMissingExchangeAndPublishOnANewChannelAfterwards() throws Exception {
        String queue = fixture.queue();
        String missing = "missing-" + fixture.function;
        try (HttpProcessor processor = fixture.start(binding(RabbitMqFixture.URL))) {
            for (int i = 0; i < 2; i++) { // RabbitMQ closes the channel each time
                HttpResponse<String> answer = processor.post("/" + queue + "?exchange=" + missing, "x");

                assertThat(answer.statusCode()).isEqualTo(500);
                assertThat(answer.body())
                        .contains("data binding 'events': the message was not confirmed: RabbitMQ closed the "
                                + "channel: NOT_FOUND - no exchange '" + missing + "'");
            }
            for (int i = 0; i < 10; i++) {
                assertThat(processor.post("/" + queue, "ok-" + i).statusCode()).isEqualTo(200);
            }
            assertThat(fixture.drain(queue)).hasSize(10);
        }
    }

    @Test
    void shouldFailTheStartOnAWrongPasswordWithoutShowingIt(@TempDir Path secrets) throws Exception {
        String password = "wrong-" + fixture.function;
        Path file = Files.writeString(secrets.resolve("password"), password + "\n");
        String yaml = binding("amqp://guest@127.0.0.1:5672/") + """
                      secrets:
                        password: {file: %s}
                """.formatted(file);

        assertThatThrownBy(() -> Processor.start(
                        HttpProcessor.settings(fixture.function, PublishFunction.class.getName(), yaml)))
                .hasMessageContaining("data binding 'events'")
                .hasMessageContaining(
                        "cannot connect to RabbitMQ at amqp://guest@127.0.0.1:5672/: RabbitMQ refused " + "the login")
                .hasMessageContaining("check the user and the password")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(password);
                    }
                });
    }

    @Test
    void shouldFailTheStartWhenNothingListens() {
        int port = BrokerProcess.freePort();
        String yaml = binding("amqp://guest:hidden-pw@127.0.0.1:" + port + "/", "connectionTimeout: 2s");

        assertThatThrownBy(() -> Processor.start(
                        HttpProcessor.settings(fixture.function, PublishFunction.class.getName(), yaml)))
                .hasMessageContaining("data binding 'events' (kind rabbit-mq")
                .hasMessageContaining(
                        "cannot connect to RabbitMQ at amqp://guest@127.0.0.1:" + port + "/: ConnectException")
                .hasMessageNotContaining("hidden-pw");
    }

    @Test
    void shouldFailTheStartWhenTheExchangeDoesNotExist() {
        String missing = "missing-" + fixture.function;
        String yaml = binding(RabbitMqFixture.URL, "exchangeName: " + missing);

        assertThatThrownBy(() -> Processor.start(
                        HttpProcessor.settings(fixture.function, PublishFunction.class.getName(), yaml)))
                .hasMessageContaining("data binding 'events'")
                .hasMessageContaining("exchangeName '" + missing + "' cannot be used: RabbitMQ closed the channel: "
                        + "NOT_FOUND - no exchange '" + missing + "'");
    }

    @Test
    void shouldCloseTheChannelsAndTheConnectionWithTheProcessor() throws Exception {
        String queue = fixture.queue();
        List<Channel> channels;
        String readerThread;
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5672)) {
            HttpProcessor processor = fixture.start(binding("amqp://guest:guest@127.0.0.1:" + proxy.port() + "/"));
            assertThat(processor.post("/" + queue, "one").statusCode()).isEqualTo(200);
            List<RabbitMqBinding> workers = PublishFunction.BINDINGS.get(fixture.function);
            channels = workers.stream().map(RabbitMqBinding::channel).toList();
            assertThat(channels).allMatch(Channel::isOpen);
            assertThat(proxy.connections()).isEqualTo(1);
            readerThread = "AMQP Connection 127.0.0.1:" + proxy.port(); // the client names its reader so
            assertThat(liveThreads()).contains(readerThread);

            processor.close();

            assertThat(channels).noneMatch(Channel::isOpen);
            assertThat(channels).noneMatch(channel -> channel.getConnection().isOpen());
            assertThat(workers).noneMatch(worker -> worker.channel().isOpen());
            await().atMost(WAIT).until(() -> proxy.connections() == 0);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(liveThreads())
                .as("the client's threads end with the connection")
                .doesNotContain(readerThread)
                .noneMatch(name -> name.startsWith("nucleon-binding-events-")));
    }

    private static List<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .toList();
    }
}
