package io.nucleon.trigger.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.Processor;
import io.nucleon.runtime.ProcessorSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cron trigger in a real processor, ticking on the real clock into {@link TickRecorder}. */
class CronTriggerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @BeforeEach
    void resetRecorder() {
        TickRecorder.reset();
    }

    /** @param attributes YAML lines under the trigger's attributes, unindented */
    private static Processor start(String attributes) {
        return start("", attributes);
    }

    /**
     * @param triggerExtras YAML lines under the trigger, unindented (e.g. numWorkers)
     * @param attributes YAML lines under the trigger's attributes, unindented
     */
    private static Processor start(String triggerExtras, String attributes) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: cron-test
                spec:
                  handler: io.nucleon.trigger.cron.TickRecorder
                  eventTimeout: 20s
                  triggers:
                    tick:
                      kind: cron
                %s
                      attributes:
                %s
                """.formatted(
                triggerExtras.indent(6).stripTrailing(), attributes.indent(8).stripTrailing());
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", -1)
                .withDrainTimeout(Duration.ofSeconds(10));
        return Processor.start(settings);
    }

    /** Unblocks the function first, so that closing does not wait for blocked ticks. */
    private static void unblockAndClose(Processor processor) {
        TickRecorder.UNBLOCK.countDown();
        processor.close();
    }

    private static CronTriggerMetrics metrics(Processor processor) {
        return ((CronTrigger) processor.trigger("tick")).metrics();
    }

    @Test
    void shouldDeliverTicksWithTheConfiguredBodyAndHeadersOnAnInterval() {
        try (Processor processor = start("""
                interval: 100ms
                event:
                  body: hello from cron
                  headers:
                    X-Source: nightly
                    Content-Type: text/plain
                """)) {
            await().atMost(DEADLINE).until(() -> TickRecorder.SEEN.size() >= 5);

            assertThat(TickRecorder.SEEN).allSatisfy(seen -> {
                assertThat(seen.body()).isEqualTo("hello from cron");
                assertThat(seen.source()).isEqualTo("nightly");
                assertThat(seen.contentType()).isEqualTo("text/plain");
                assertThat(seen.headerCount()).isEqualTo(2);
                assertThat(seen.triggerKind()).isEqualTo("cron");
                assertThat(seen.triggerName()).isEqualTo("tick");
                assertThat(seen.path()).isEmpty();
                assertThat(seen.method()).isEmpty();
            });
            assertThat(TickRecorder.SEEN.stream().limit(5).map(TickRecorder.Seen::offset))
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
            await().atMost(DEADLINE)
                    .until(() -> counter(processor, "nucleon_cron_ticks_handled", "result", "success") >= 5);
            assertThat(counter(processor, "nucleon_cron_ticks_fired", null, null))
                    .isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void shouldFireEverySecondOnASixFieldSchedule() {
        try (Processor processor = start("""
                schedule: '* * * * * *'
                event:
                  body: tick
                  headers:
                    X-Source: every-second
                """)) {
            await().atMost(DEADLINE).until(() -> TickRecorder.SEEN.size() >= 2);

            assertThat(TickRecorder.SEEN).allSatisfy(seen -> {
                assertThat(seen.body()).isEqualTo("tick");
                assertThat(seen.source()).isEqualTo("every-second");
                assertThat(seen.contentType()).isEmpty();
            });
            assertThat(metrics(processor).firedCount()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void shouldSkipTicksWhileThePreviousOneRunsWithForbid() {
        Processor processor = start("""
                interval: 20ms
                event:
                  body: block
                """);
        try {
            CronTriggerMetrics metrics = metrics(processor);
            await().atMost(DEADLINE).until(() -> TickRecorder.SEEN.size() == 1 && metrics.skippedCount() >= 3);
            assertThat(metrics.firedCount()).isEqualTo(1);
            assertThat(TickRecorder.SEEN).hasSize(1);

            TickRecorder.UNBLOCK.countDown();

            await().atMost(DEADLINE).until(() -> metrics.firedCount() >= 3 && metrics.succeededCount() >= 2);
        } finally {
            unblockAndClose(processor);
        }
    }

    @Test
    void shouldRunTicksSideBySideWithAllow() {
        Processor processor = start("numWorkers: 3", """
                interval: 20ms
                concurrencyPolicy: allow
                event:
                  body: block
                """);
        try {
            CronTriggerMetrics metrics = metrics(processor);
            await().atMost(DEADLINE).until(() -> TickRecorder.SEEN.size() >= 3);
            // All three workers are blocked: one more tick waits for a worker, later ones merge into it.
            await().atMost(DEADLINE).until(() -> metrics.missedCount(CronTriggerMetrics.MissedReason.BUSY) >= 2);
            assertThat(metrics.firedCount()).isEqualTo(3);
            assertThat(metrics.skippedCount()).isZero();

            TickRecorder.UNBLOCK.countDown();

            await().atMost(DEADLINE).until(() -> metrics.succeededCount() >= 4);
        } finally {
            unblockAndClose(processor);
        }
    }

    @Test
    void shouldCountFunctionFailuresAndKeepTicking() {
        try (Processor processor = start("""
                interval: 10ms
                event:
                  body: fail
                """)) {
            CronTriggerMetrics metrics = metrics(processor);

            await().atMost(DEADLINE).until(() -> metrics.failedCount() >= 5);

            assertThat(counter(processor, "nucleon_cron_ticks_handled", "result", "failure"))
                    .isGreaterThanOrEqualTo(5);
            assertThat(metrics.succeededCount()).isZero();
        }
    }

    @Test
    void shouldStopTheSchedulerThreadOnCloseAndStayClosed() {
        Processor processor = start("interval: 10ms");
        CronTrigger trigger = (CronTrigger) processor.trigger("tick");
        await().atMost(DEADLINE).until(() -> TickRecorder.SEEN.size() >= 2);
        assertThat(schedulerThreadAlive()).isTrue();

        processor.close();
        trigger.close(); // again: idempotent

        assertThat(schedulerThreadAlive()).isFalse();
        assertThat(trigger.metrics().firedCount()).isEqualTo(TickRecorder.SEEN.size());
    }

    private static boolean schedulerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("nucleon-cron-tick") && thread.isAlive());
    }

    private static double counter(Processor processor, String name, String tag, String value) {
        var search = processor
                .registry()
                .find(name)
                .tag("function", "cron-test")
                .tag("trigger_kind", "cron")
                .tag("trigger_id", "tick");
        FunctionCounter counter = (tag == null ? search : search.tag(tag, value)).functionCounter();
        return counter == null ? -1 : counter.count();
    }
}
