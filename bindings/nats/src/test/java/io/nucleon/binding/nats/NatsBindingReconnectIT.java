package io.nucleon.binding.nats;

import static io.nucleon.binding.nats.NatsTestClient.nextBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.processor.HttpProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A NATS server of the test's own, stopped and started again on the same port under a running processor. */
class NatsBindingReconnectIT {

    private static final String[] FAST_RECONNECT = {"attributes:", "  reconnectWait: 100ms", "  connectionTimeout: 2s"};

    @Test
    void shouldDeliverPublishesAfterTheServerCameBackAndThoseBufferedDuringTheOutage() throws Exception {
        try (BrokerProcess server = BrokerProcess.nats();
                NatsTestClient nats = new NatsTestClient(url(server))) {
            String subject = nats.subject("orders");
            String outageSubject = nats.subject("outage");
            // a stream keeps what reaches the server while the test's own subscriber may not be back yet
            nats.createStream("outage", outageSubject, StorageType.File);
            Subscription subscription = nats.subscribe(subject);

            try (HttpProcessor processor = nats.start(url(server), FAST_RECONNECT)) {
                assertThat(processor
                                .post("/publish?subject=" + subject, "before")
                                .statusCode())
                        .isEqualTo(200);
                assertThat(nextBody(subscription)).isEqualTo("before");

                server.stop();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !status(processor).equals("CONNECTED"));
                for (int i = 0; i < 3; i++) {
                    // buffered by the client while it reconnects
                    assertThat(processor
                                    .post("/publish?subject=" + outageSubject, "during-" + i)
                                    .statusCode())
                            .isEqualTo(200);
                }

                server.start();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> nats.reconnects() > 0 && status(processor).equals("CONNECTED"));
                for (int i = 0; i < 5; i++) {
                    assertThat(processor
                                    .post("/publish?subject=" + subject, "after-" + i)
                                    .statusCode())
                            .isEqualTo(200);
                }

                List<String> received = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    received.add(nextBody(subscription));
                }
                assertThat(received).containsExactly("after-0", "after-1", "after-2", "after-3", "after-4");
                assertThat(nats.readStream(outageSubject, 3)).containsExactly("during-0", "during-1", "during-2");
            }
        }
    }

    private static String status(HttpProcessor processor) {
        return processor.post("/status", "").body();
    }

    private static String url(BrokerProcess server) {
        return "nats://" + server.address();
    }
}
