package io.nucleon.runtime.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.BatchConfig;
import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import io.nucleon.runtime.dispatch.EventAdapter;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.TimeoutWatchdog;
import io.nucleon.runtime.dispatch.WorkerPool;
import io.nucleon.runtime.dispatch.WorkerPoolSettings;
import io.nucleon.runtime.function.FunctionLogger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The acknowledged-delivery loop with a real worker pool and a scripted function: bodies {@code ok...}
 * succeed, {@code failN...} fail their first N runs, {@code boom...} always fail, {@code wait...} wait for
 * the test's gate (ignoring interrupts).
 */
class AckingDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final List<String> handledInOrder = new CopyOnWriteArrayList<>();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final CountDownLatch gate = new CountDownLatch(1);
    private WorkerPool pool;
    private AckingDispatcher<TestMessage> dispatcher;
    private DeliveryMetrics metrics;

    @AfterEach
    void tearDown() {
        gate.countDown();
        if (dispatcher != null) {
            dispatcher.close(Duration.ofSeconds(5));
        }
        if (pool != null) {
            pool.close();
        }
    }

    private void start(int numWorkers, int maxInFlight, RetryPolicy retry, boolean deadLetters) {
        start(numWorkers, maxInFlight, retry, deadLetters, Duration.ofMinutes(1));
    }

    private void start(int numWorkers, int maxInFlight, RetryPolicy retry, boolean deadLetters, Duration eventTimeout) {
        start(numWorkers, maxInFlight, retry, deadLetters, eventTimeout, Optional.empty());
    }

    private void start(
            int numWorkers,
            int maxInFlight,
            RetryPolicy retry,
            boolean deadLetters,
            Duration eventTimeout,
            Optional<BatchConfig> batch) {
        pool = new WorkerPool(new WorkerPoolSettings(
                "pool",
                "fn",
                numWorkers,
                16,
                eventTimeout,
                () -> new Scripted(),
                i -> new FunctionLogger("fn", i),
                getClass().getClassLoader(),
                new SystemNanoClock()));
        pool.start(Duration.ofSeconds(5));
        EventDispatcher events = pool.dispatcher("test", "t1", Duration.ofHours(1), registry, Tags.empty());
        metrics = new DeliveryMetrics(registry, "fn", "test", "t1");
        dispatcher = new AckingDispatcher<>(
                events,
                new TestAdapter(),
                new AckingDispatcher.Settings("t1", retry, maxInFlight, deadLetters, batch),
                metrics);
    }

    private static RetryPolicy fastRetry(int maxAttempts) {
        return new RetryPolicy(
                maxAttempts,
                Duration.ofMillis(5).toNanos(),
                Duration.ofMillis(20).toNanos());
    }

    @Test
    void shouldAcknowledgeOnlyAfterTheFunctionSucceeded() throws Exception {
        start(2, 8, fastRetry(3), true);
        TestMessage message = new TestMessage("wait-1", null);
        assertThat(dispatcher.submit(message)).isTrue();
        await().atMost(WAIT).until(() -> runsOf("wait-1") == 1);
        assertThat(message.acks).hasValue(0);
        gate.countDown();
        await().atMost(WAIT).until(() -> message.acks.get() == 1);
        assertThat(metrics.handledCount()).isEqualTo(1);
        await().atMost(WAIT).until(() -> dispatcher.inFlight() == 0);
    }

    @Test
    void shouldHandTheFunctionsResponseToTheAcknowledgement() throws Exception {
        start(1, 8, fastRetry(3), true);
        TestMessage message = new TestMessage("reply-1", null);
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> message.acks.get() == 1);
        assertThat(message.response).isNotNull();
        assertThat(StandardCharsets.UTF_8
                        .decode(message.response.body().duplicate())
                        .toString())
                .isEqualTo("re: reply-1");
    }

    @Test
    void shouldRetryAFailedMessageAfterBackoffThenAcknowledgeIt() throws Exception {
        start(2, 8, fastRetry(3), true);
        TestMessage message = new TestMessage("fail2-a", null);
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> message.acks.get() == 1);
        assertThat(runsOf("fail2-a")).isEqualTo(3);
        assertThat(message.deadLetters).isEmpty();
        assertThat(counter("nucleon_trigger_messages_retried")).isEqualTo(2);
        assertThat(counter("nucleon_trigger_messages_failed")).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterAfterMaxAttemptsWithTheLastError() throws Exception {
        start(2, 8, fastRetry(3), true);
        TestMessage message = new TestMessage("boom-1", null);
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> message.deadLetters.size() == 1);
        assertThat(runsOf("boom-1")).isEqualTo(3);
        assertThat(message.acks).hasValue(0);
        DeliveryFailure failure = message.deadLetters.get(0);
        assertThat(failure.attempts()).isEqualTo(3);
        assertThat(failure.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failure.error()).isEqualTo("cannot handle boom-1");
        assertThat(counter("nucleon_trigger_messages_dead_lettered")).isEqualTo(1);
        await().atMost(WAIT).until(() -> dispatcher.inFlight() == 0);
    }

    @Test
    void shouldKeepRetryingWithoutADeadLetterDestination() throws Exception {
        start(1, 8, fastRetry(2), false);
        TestMessage message = new TestMessage("boom-2", null);
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> runsOf("boom-2") >= 5);
        assertThat(message.acks).hasValue(0);
        assertThat(message.deadLetters).isEmpty();
        assertThat(dispatcher.inFlight()).as("held, not settled").isEqualTo(1);
    }

    @Test
    void shouldCountAttemptsTheBrokerDeliveredBefore() throws Exception {
        start(1, 8, fastRetry(3), true);
        TestMessage message = new TestMessage("boom-3", null);
        message.deliveryCount = 3; // delivered twice before this delivery, by a processor that then stopped
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> message.deadLetters.size() == 1);
        assertThat(runsOf("boom-3")).isEqualTo(1);
        assertThat(message.deadLetters.get(0).attempts()).isEqualTo(3);
    }

    @Test
    void shouldHandAFailedMessageBackWhenTheBrokerRedeliversLater() throws Exception {
        start(1, 1, fastRetry(3), true);
        TestMessage message = new TestMessage("boom-4", null);
        message.brokerRedelivers = true;
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> message.redeliveryDelays.size() == 1);
        assertThat(message.redeliveryDelays.get(0))
                .isEqualTo(Duration.ofMillis(5).toNanos());
        assertThat(runsOf("boom-4")).as("not retried here").isEqualTo(1);
        await().atMost(WAIT).until(() -> dispatcher.inFlight() == 0);
        assertThat(dispatcher.submit(new TestMessage("ok-after", null)))
                .as("the permit came back")
                .isTrue();
    }

    @Test
    void shouldBlockTheConsumerThreadAtMaxInFlight() throws Exception {
        start(2, 2, fastRetry(3), true);
        dispatcher.submit(new TestMessage("wait-a", null));
        dispatcher.submit(new TestMessage("wait-b", null));
        AtomicBoolean thirdTaken = new AtomicBoolean();
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                thirdTaken.set(dispatcher.submit(new TestMessage("ok-c", null)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(WAIT).until(() -> runsOf("wait-a") == 1 && runsOf("wait-b") == 1);
        consumer.join(200);
        assertThat(consumer.isAlive())
                .as("waits while two messages are unsettled")
                .isTrue();
        assertThat(runsOf("ok-c")).isZero();
        gate.countDown();
        consumer.join(WAIT.toMillis());
        assertThat(thirdTaken).isTrue();
        await().atMost(WAIT).until(() -> runsOf("ok-c") == 1);
    }

    @Test
    void shouldRunMessagesOfOneOrderKeyOneAtATimeInArrivalOrder() throws Exception {
        start(4, 16, fastRetry(5), true);
        List<TestMessage> messages = List.of(
                new TestMessage("fail2-k1", "k"),
                new TestMessage("ok-k2", "k"),
                new TestMessage("fail1-k3", "k"),
                new TestMessage("ok-k4", "k"),
                new TestMessage("ok-other", "other"));
        for (TestMessage message : messages) {
            dispatcher.submit(message);
        }
        await().atMost(WAIT).until(() -> messages.stream().allMatch(m -> m.acks.get() == 1));
        assertThat(handledInOrder.stream().filter(body -> body.contains("-k")).toList())
                .containsExactly("fail2-k1", "ok-k2", "fail1-k3", "ok-k4");
    }

    @Test
    void shouldLeaveMessagesWaitingForARetryToTheBrokerOnClose() throws Exception {
        start(
                1,
                8,
                new RetryPolicy(
                        5,
                        Duration.ofMinutes(5).toNanos(),
                        Duration.ofMinutes(5).toNanos()),
                true);
        TestMessage failing = new TestMessage("boom-5", null);
        TestMessage fine = new TestMessage("ok-5", null);
        dispatcher.submit(failing);
        dispatcher.submit(fine);
        await().atMost(WAIT).until(() -> runsOf("boom-5") == 1 && fine.acks.get() == 1);
        assertThat(dispatcher.close(Duration.ofSeconds(5))).isTrue();
        assertThat(failing.acks).hasValue(0);
        assertThat(failing.deadLetters).isEmpty();
        assertThat(dispatcher.submit(new TestMessage("ok-late", null)))
                .as("no messages taken after close")
                .isFalse();
    }

    @Test
    void shouldRetryADeadLetterTheDestinationRefusedAndReportAProblem() throws Exception {
        start(
                1,
                8,
                new RetryPolicy(
                        1,
                        Duration.ofMillis(5).toNanos(),
                        Duration.ofMillis(500).toNanos()),
                true);
        TestMessage message = new TestMessage("boom-6", null);
        message.deadLetterRefusals.set(2);
        dispatcher.submit(message);
        await().atMost(WAIT).until(() -> dispatcher.problem() != null);
        assertThat(dispatcher.problem()).contains("dead-letter queue is down");
        await().atMost(WAIT).until(() -> message.deadLetters.size() == 1);
        assertThat(dispatcher.problem()).isNull();
        assertThat(runsOf("boom-6")).as("the function is not run again").isEqualTo(1);
    }

    @Test
    void shouldRunATimedOutMessageOfAnOrderGroupAgainOnlyAfterItsStuckRunHasEnded() throws Exception {
        start(2, 8, fastRetry(3), true, Duration.ofMillis(100));
        try (AutoCloseable watching = watchTimeouts()) {
            TestMessage message = new TestMessage("wait-stuck", "k");
            dispatcher.submit(message);
            await().atMost(WAIT).until(() -> counter("nucleon_processor_event_timeouts") == 1);
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            assertThat(runsOf("wait-stuck"))
                    .as("not run again while the first run is stuck")
                    .isEqualTo(1);
            gate.countDown();
            await().atMost(WAIT).until(() -> message.acks.get() == 1);
            assertThat(runsOf("wait-stuck")).isEqualTo(2);
        }
    }

    @Test
    void shouldRetryATimedOutMessageWithoutOrderWhileItsStuckRunGoesOn() throws Exception {
        start(2, 8, fastRetry(3), true, Duration.ofMillis(100));
        try (AutoCloseable watching = watchTimeouts()) {
            TestMessage message = new TestMessage("wait-forever", null);
            dispatcher.submit(message);
            await().atMost(WAIT).until(() -> runsOf("wait-forever") >= 2);
            assertThat(message.acks).as("every run is stuck").hasValue(0);
        }
    }

    @Test
    void shouldHandAFullBatchToTheBatchFunctionAndAcknowledgeEachMessage() throws Exception {
        start(2, 16, fastRetry(3), true, Duration.ofMinutes(1), Optional.of(new BatchConfig(4, Duration.ofMinutes(1))));
        List<TestMessage> messages = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            messages.add(new TestMessage("ok-b" + i, null));
            dispatcher.submit(messages.get(i));
        }
        await().atMost(WAIT).until(() -> messages.stream().allMatch(m -> m.acks.get() == 1));
        assertThat(batchSizes).containsExactly(4, 4);
    }

    @Test
    void shouldSendAPartBatchWhenItsTimeoutPasses() throws Exception {
        start(
                1,
                16,
                fastRetry(3),
                true,
                Duration.ofMinutes(1),
                Optional.of(new BatchConfig(100, Duration.ofMillis(50))));
        TestMessage first = new TestMessage("ok-t1", null);
        TestMessage second = new TestMessage("ok-t2", null);
        dispatcher.submit(first);
        dispatcher.submit(second);
        await().atMost(WAIT).until(() -> first.acks.get() == 1 && second.acks.get() == 1);
        assertThat(batchSizes).containsExactly(2);
    }

    @Test
    void shouldRetryOnlyTheFailedMessagesOfABatchThenDeadLetterThem() throws Exception {
        start(1, 16, fastRetry(3), true, Duration.ofMinutes(1), Optional.of(new BatchConfig(3, Duration.ofMinutes(1))));
        TestMessage fine = new TestMessage("ok-p", null);
        TestMessage flaky = new TestMessage("fail1-p", null);
        TestMessage poison = new TestMessage("boom-p", null);
        dispatcher.submit(fine);
        dispatcher.submit(flaky);
        dispatcher.submit(poison);
        await().atMost(WAIT).until(() -> poison.deadLetters.size() == 1 && flaky.acks.get() == 1);
        assertThat(fine.acks).hasValue(1);
        assertThat(runsOf("ok-p"))
                .as("a message that succeeded is not run again")
                .isEqualTo(1);
        assertThat(runsOf("fail1-p")).isEqualTo(2);
        assertThat(runsOf("boom-p")).isEqualTo(3);
        assertThat(poison.deadLetters.get(0).errorClass()).isEqualTo("batch-failure");
        assertThat(batchSizes)
                .as("the first batch, then retries in batches of one")
                .startsWith(3)
                .contains(1);
        await().atMost(WAIT).until(() -> dispatcher.inFlight() == 0);
    }

    /** Runs the pool's timeout watchdog every 5 ms until closed, as the processor does. */
    private AutoCloseable watchTimeouts() {
        TimeoutWatchdog watchdog = new TimeoutWatchdog(List.of(pool), new SystemNanoClock());
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().daemon(true).start(() -> {
            while (watching.get()) {
                watchdog.doWork();
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        });
        return () -> {
            watching.set(false);
            watcher.join();
        };
    }

    private int runsOf(String body) {
        AtomicInteger count = runs.get(body);
        return count == null ? 0 : count.get();
    }

    private double counter(String name) {
        return registry.get(name).functionCounter().count();
    }

    /** Runs each body of a batch through {@link Scripted}'s rules; reports the ones that threw as failed. */
    private final class Scripted implements Function, BatchFunction {

        @Override
        public BatchResult handleBatch(Context context, List<Event> events) throws Exception {
            batchSizes.add(events.size());
            List<Integer> failed = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                try {
                    handle(context, events.get(i));
                } catch (IllegalStateException e) {
                    failed.add(i);
                }
            }
            return failed.isEmpty()
                    ? BatchResult.success()
                    : BatchResult.failed(
                            failed.stream().mapToInt(Integer::intValue).toArray());
        }

        @Override
        public Response handle(Context context, Event event) throws Exception {
            String body = event.bodyString();
            int run = runs.computeIfAbsent(body, key -> new AtomicInteger()).incrementAndGet();
            if (body.startsWith("wait")) {
                awaitGateIgnoringInterrupts();
            }
            if (body.startsWith("boom") || (body.startsWith("fail") && run <= body.charAt(4) - '0')) {
                throw new IllegalStateException("cannot handle " + body);
            }
            handledInOrder.add(body);
            return body.startsWith("reply") ? Response.ok("re: " + body) : Response.noContent();
        }
    }

    /** Like a function stuck in a call that does not answer interrupts. */
    private void awaitGateIgnoringInterrupts() {
        while (true) {
            try {
                gate.await();
                return;
            } catch (InterruptedException e) {
                // stay stuck, as the watchdog's replaced worker would be
            }
        }
    }

    /** A message whose settlement the test reads back. */
    static final class TestMessage implements BrokerMessage {
        final String body;
        final String key;
        final AtomicInteger acks = new AtomicInteger();
        final List<DeliveryFailure> deadLetters = new CopyOnWriteArrayList<>();
        final List<Long> redeliveryDelays = new CopyOnWriteArrayList<>();
        final AtomicInteger deadLetterRefusals = new AtomicInteger();
        volatile int deliveryCount;
        volatile boolean brokerRedelivers;
        volatile Response response;

        TestMessage(String body, String key) {
            this.body = body;
            this.key = key;
        }

        @Override
        public void ack() {
            acks.incrementAndGet();
        }

        @Override
        public void ack(Response response) {
            this.response = response;
            ack();
        }

        @Override
        public int deliveryCount() {
            return deliveryCount;
        }

        @Override
        public boolean redeliverLater(long delayNanos) {
            if (brokerRedelivers) {
                redeliveryDelays.add(delayNanos);
            }
            return brokerRedelivers;
        }

        @Override
        public void deadLetter(DeliveryFailure failure) {
            if (deadLetterRefusals.getAndDecrement() > 0) {
                throw new IllegalStateException("dead-letter queue is down");
            }
            deadLetters.add(failure);
        }

        @Override
        public String orderKey() {
            return key;
        }

        @Override
        public String describe() {
            return "test message " + body;
        }
    }

    static final class TestAdapter implements EventAdapter<TestMessage> {
        @Override
        public ByteBuffer body(TestMessage message) {
            return ByteBuffer.wrap(message.body.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int bodySize(TestMessage message) {
            return message.body.length();
        }
    }
}
