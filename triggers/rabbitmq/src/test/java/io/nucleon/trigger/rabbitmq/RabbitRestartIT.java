package io.nucleon.trigger.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A processor closed while messages are unacknowledged (running, hung, waiting for a retry, prefetched)
 * loses none of them: RabbitMQ requeues what the closed connection had not acknowledged, and the next
 * processor handles it.
 */
class RabbitRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private RabbitFixture fixture;
    private Processor processor;

    @AfterEach
    void tearDown() throws Exception {
        if (processor != null) {
            processor.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldHandleEveryMessageAfterARestartWithMessagesUnacknowledged(TestInfo test) throws Exception {
        RabbitFixture f = fixture = new RabbitFixture(test);
        f.recorder.delayMillis(100);
        f.recorder.hangMillis(20_000);
        f.eventTimeout = "60s";
        // short terminations: closing abandons the hung run instead of waiting for it
        String attributes =
                "workerTerminationTimeout: 300ms\n" + "retry: {maxAttempts: 5, initialBackoff: 5s, maxBackoff: 5s}";
        processor = f.start(2, attributes);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            values.add(i == 3 ? "hang-3" : i == 5 ? "fail1-5" : "m-" + i);
        }
        f.publish(values.toArray(String[]::new));
        await().atMost(WAIT)
                .until(() -> f.recorder.attemptsOf("hang-3") == 1
                        && f.recorder.attemptsOf("fail1-5") == 1
                        && f.recorder.succeededValues().size() >= 4);

        processor.close(); // hang-3 running, fail1-5 waiting 5 s for its retry, the rest prefetched or queued
        List<String> first = f.recorder.succeededValues();
        assertThat(first).as("the first processor stopped part way").hasSizeLessThan(30);
        processor = f.start(2, attributes);

        await().atMost(WAIT).until(() -> f.recorder.succeededValues().containsAll(values));
        assertThat(f.recorder.attemptsOf("hang-3"))
                .as("run again by the second processor")
                .isGreaterThanOrEqualTo(2);
        await().atMost(WAIT).until(() -> RabbitFixture.settled(processor));
        processor.close();
        processor = null;
        assertThat(f.ready(f.queue))
                .as("every message acknowledged, none requeued at the end")
                .isZero();
    }
}
