package io.nucleon.binding.rabbitmq;

import static io.nucleon.binding.rabbitmq.RabbitMqFixture.binding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.testing.brokers.TcpProxy;
import io.nucleon.testing.processor.HttpProcessor;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection going away and coming back, without stopping the shared RabbitMQ: the binding reaches it through
 * a {@link TcpProxy} of the test's own, which the test cuts (every connection closed, the port refusing) and
 * restores.
 */
class RabbitMqBindingOutageIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private RabbitMqFixture fixture;
    private TcpProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new RabbitMqFixture();
        proxy = TcpProxy.start("127.0.0.1", 5672);
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close();
        fixture.close();
    }

    @Test
    void shouldFailPublishesWhileTheConnectionIsDownAndPublishAgainOnceTheClientRecovered() throws Exception {
        String queue = fixture.queue();
        String url = "amqp://guest:guest@127.0.0.1:" + proxy.port() + "/";
        try (HttpProcessor processor = fixture.start(binding(url))) {
            assertThat(processor.post("/" + queue, "before").statusCode()).isEqualTo(200);

            proxy.cut();

            await().atMost(WAIT).untilAsserted(() -> {
                HttpResponse<String> answer = processor.post("/" + queue, "during");
                assertThat(answer.statusCode()).isEqualTo(500);
                assertThat(answer.body()).contains("the connection to RabbitMQ is down");
            });
            proxy.restore();
            await().atMost(WAIT)
                    .until(() -> processor.post("/" + queue, "after").statusCode() == 200);
            for (int i = 0; i < 10; i++) { // every worker's channel came back in confirm mode
                assertThat(processor.post("/" + queue, "after-" + i).statusCode())
                        .isEqualTo(200);
            }
            assertThat(fixture.drain(queue))
                    .extracting(RabbitMqFixture::body)
                    .contains("before", "after", "after-9")
                    .doesNotContain("during");
        }
    }
}
