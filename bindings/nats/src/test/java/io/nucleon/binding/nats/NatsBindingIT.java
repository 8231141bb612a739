package io.nucleon.binding.nats;

import static io.nucleon.binding.nats.NatsTestClient.SHARED_URL;
import static io.nucleon.binding.nats.NatsTestClient.nextBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A function publishing, requesting and writing to JetStream through the binding, against the shared NATS. */
class NatsBindingIT {

    private NatsTestClient nats;

    @BeforeEach
    void connect() {
        SharedBroker.NATS.require();
        nats = new NatsTestClient(SHARED_URL);
    }

    @AfterEach
    void close() {
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void shouldPublishEachRequestBodyToTheSubject() throws Exception {
        String subject = nats.subject("orders");
        Subscription subscription = nats.subscribe(subject);

        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = processor.post("/publish?subject=" + subject, "order-" + i);
                assertThat(response.statusCode()).isEqualTo(200);
            }

            List<String> received = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                received.add(nextBody(subscription));
            }
            assertThat(received).containsExactly(ordered("order-", 10));
        }
    }

    @Test
    void shouldPublishWithHeaders() throws Exception {
        String subject = nats.subject("traced");
        Subscription subscription = nats.subscribe(subject);

        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            assertThat(processor.post("/headers?subject=" + subject, "a1").statusCode())
                    .isEqualTo(200);

            Message message = subscription.nextMessage(Duration.ofSeconds(5));
            assertThat(message).isNotNull();
            assertThat(NatsTestClient.body(message)).isEqualTo("a1");
            assertThat(message.getHeaders().getFirst("X-Trace")).isEqualTo("trace-a1");
        }
    }

    @Test
    void shouldPublishIntoAStreamAndAnswerWithItsAcknowledgement() throws Exception {
        String subject = nats.subject("audit");
        String stream = nats.createStream("audit", subject, StorageType.Memory);

        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = processor.post("/jetstream?subject=" + subject, "entry-" + i);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(stream + ":" + (i + 1));
            }
        }

        assertThat(nats.readStream(subject, 3)).containsExactly(ordered("entry-", 3));
    }

    @Test
    void shouldSayWhenNoStreamCapturesTheSubject() {
        String subject = nats.subject("nowhere");

        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            HttpResponse<String> response = processor.post("/jetstream?subject=" + subject, "lost");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("no JetStream stream captures subject '" + subject + "'");
        }
    }

    @Test
    void shouldAnswerWithTheRespondersReply() {
        String subject = nats.subject("prices");
        Connection responder = nats.connection;
        Dispatcher dispatcher = responder.createDispatcher(request -> responder.publish(
                request.getReplyTo(), ("price of " + NatsTestClient.body(request)).getBytes(StandardCharsets.UTF_8)));
        dispatcher.subscribe(subject);
        nats.flush();

        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            HttpResponse<String> response = processor.post("/request?subject=" + subject, "apples");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("price of apples");
        }
    }

    @Test
    void shouldFailARequestNobodyAnswers() {
        String subject = nats.subject("nobody");

        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            long started = System.nanoTime();
            HttpResponse<String> response = processor.post("/request?subject=" + subject, "hello?");

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(response.body()).contains("no reply to a request on '" + subject + "'");
            // the server says at once that nobody subscribes: the function does not wait out its 2 s
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void shouldFailTheStartQuicklyNamingTheBindingWhenNothingListens() {
        int port = BrokerProcess.freePort();
        String url = "nats://app:hunter2@127.0.0.1:" + port;
        long started = System.nanoTime();

        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings(
                        nats.function(), NatsFunction.class.getName(), NatsTestClient.busYaml(url))))
                .hasMessageContaining("data binding 'bus'")
                .hasMessageContaining("cannot connect to NATS at nats://***@127.0.0.1:" + port)
                .hasMessageContaining("Connection refused")
                .hasMessageNotContaining("hunter2");
        // far below the processor's 30 s bound for a check: the refused connect is the answer
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldCloseTheConnectionWhenTheProcessorCloses() {
        NatsBinding binding;
        try (HttpProcessor processor = nats.start(SHARED_URL)) {
            assertThat(processor.post("/status", "").body()).isEqualTo("CONNECTED");
            binding = NatsFunction.FETCHED.get(nats.function());
        }

        assertThat(binding.connection().getStatus()).isEqualTo(Connection.Status.CLOSED);
    }

    private static String[] ordered(String prefix, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = prefix + i;
        }
        return values;
    }
}
