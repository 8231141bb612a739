package io.nucleon.runtime.dispatch;

import static io.nucleon.runtime.dispatch.GroupFunctions.Shape.EVENTS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link EventDispatcher#drainFunctions()}: each worker runs its instance's drain hook, on its own thread. */
class DrainHookTest {

    private GroupHarness harness;
    private ListAppender<ILoggingEvent> logs;
    private Logger workerLogger;

    @AfterEach
    void closePool() {
        if (harness != null) {
            harness.close();
        }
        if (logs != null) {
            workerLogger.detachAppender(logs);
        }
    }

    @Test
    void shouldRunDrainHookOnceOnEveryWorkerOnItsOwnThreadIncludingParkedOnes() throws Exception {
        harness = new GroupHarness(EVENTS, 3);
        awaitAllParked();

        CompletableFuture<Void> drained = harness.dispatcher.drainFunctions();

        drained.get(5, TimeUnit.SECONDS);
        List<GroupFunctions.Instance> instances = harness.functions.instances;
        assertThat(instances).hasSize(3).allSatisfy(instance -> assertThat(instance.drains)
                .hasValue(1));
        List<GroupFunctions.Call> drains = harness.functions.calls("drain");
        assertThat(drains).hasSize(3).allSatisfy(call -> assertThat(call.thread())
                .as("drain of instance %d", call.instance())
                .isEqualTo(instances.get(call.instance()).initThread));
        assertThat(drains).extracting(GroupFunctions.Call::thread).doesNotHaveDuplicates();
        assertThat(harness.functions.overlaps).hasValue(0);

        harness.dispatch("after the drain");
        EventSlot after = harness.nextAnswer();
        assertThat(after.outcome()).isEqualTo(EventOutcome.SUCCESS);
        after.release();
        assertThat(harness.functions.calls("drain")).as("run once per request").hasSize(3);
    }

    @Test
    void shouldRunDrainHookAfterTheSlowEventNotDuringIt() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        harness.dispatch("block slow");
        harness.functions.awaitStarted("block slow");

        CompletableFuture<Void> drained = harness.dispatcher.drainFunctions();

        assertThat(drained).as("the only worker is inside the function").isNotDone();
        assertThat(harness.functions.instances.get(0).drains).hasValue(0);
        harness.functions.openGate();
        EventSlot slow = harness.nextAnswer();
        assertThat(slow.outcome()).isEqualTo(EventOutcome.SUCCESS);
        slow.release();
        drained.get(5, TimeUnit.SECONDS);
        assertThat(harness.functions.calls)
                .extracting(GroupFunctions.Call::kind)
                .containsExactly("handle", "drain");
        assertThat(harness.functions.calls)
                .extracting(GroupFunctions.Call::thread)
                .containsOnly(harness.functions.instances.get(0).initThread);
        assertThat(harness.functions.overlaps)
                .as("never two threads in one instance")
                .hasValue(0);
    }

    @Test
    void shouldDrainIdleWorkersAtOnceAndTheBusyOneAfterItsEvent() throws Exception {
        harness = new GroupHarness(EVENTS, 2);
        harness.dispatch("block slow");
        harness.functions.awaitStarted("block slow");
        int busy = harness.functions.calls("handle").get(0).instance();
        GroupFunctions.Instance busyInstance = harness.functions.instances.get(busy);
        GroupFunctions.Instance idleInstance = harness.functions.instances.get(1 - busy);

        CompletableFuture<Void> drained = harness.dispatcher.drainFunctions();

        Await.await(() -> idleInstance.drains.get() == 1, "the idle worker drained");
        assertThat(drained).as("waits for the busy worker").isNotDone();
        assertThat(busyInstance.drains).hasValue(0);
        harness.functions.openGate();
        drained.get(5, TimeUnit.SECONDS);
        assertThat(busyInstance.drains).hasValue(1);
        assertThat(harness.functions.overlaps).hasValue(0);
        harness.nextAnswer().release();
    }

    @Test
    void shouldRunDrainHookAfterTheWholeRunNotBetweenItsEvents() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        harness.dispatchGroup(TestGroup.run("step e0", "step e1"));
        harness.functions.awaitStarted("step e0");

        CompletableFuture<Void> drained = harness.dispatcher.drainFunctions();
        harness.functions.step();
        harness.functions.awaitStarted("step e1");
        assertThat(harness.functions.instances.get(0).drains).hasValue(0);
        harness.functions.step();

        drained.get(5, TimeUnit.SECONDS);
        assertThat(harness.functions.calls)
                .extracting(GroupFunctions.Call::kind)
                .containsExactly("handle", "handle", "drain");
        EventSlot run = harness.nextAnswer();
        assertThat(run.outcome()).isEqualTo(EventOutcome.SUCCESS);
        run.release();
    }

    @Test
    void shouldLogDrainHookFailureAndStillCompleteTheFuture() throws Exception {
        captureWorkerLogs();
        harness = new GroupHarness(EVENTS, 2);
        IllegalStateException failure = new IllegalStateException("flush failed");
        harness.functions.failDrainsWith(failure);

        CompletableFuture<Void> drained = harness.dispatcher.drainFunctions();

        drained.get(5, TimeUnit.SECONDS);
        assertThat(drained).isCompletedWithValue(null);
        List<ILoggingEvent> warnings = List.copyOf(logs.list);
        assertThat(warnings)
                .filteredOn(event -> event.getLevel() == Level.WARN
                        && event.getFormattedMessage().contains("drain hook failed"))
                .hasSize(2)
                .allSatisfy(event ->
                        assertThat(event.getThrowableProxy().getMessage()).isEqualTo("flush failed"));

        harness.dispatch("after a failed drain");
        EventSlot after = harness.nextAnswer();
        assertThat(after.outcome()).as("the workers go on").isEqualTo(EventOutcome.SUCCESS);
        after.release();
    }

    /**
     * Two drain requests that reach a busy worker before it looks: {@code Worker.requestDrain} keeps one
     * request in a single volatile field, so the second overwrites the first and the first future never
     * completes. A stream trigger that sees two rebalances during one slow event would wait out its bound.
     */
    @Test
    void shouldCompleteEveryDrainRequestMadeWhileWorkerIsBusy() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        harness.dispatch("block slow");
        harness.functions.awaitStarted("block slow");

        CompletableFuture<Void> first = harness.dispatcher.drainFunctions();
        CompletableFuture<Void> second = harness.dispatcher.drainFunctions();
        harness.functions.openGate();

        second.get(5, TimeUnit.SECONDS);
        first.get(5, TimeUnit.SECONDS);
        harness.nextAnswer().release();
    }

    /**
     * A drain asked of a worker whose event then times out: the watchdog retires the worker and puts a
     * fresh one in its place, but the request stays with the retired worker, which leaves its loop
     * without looking at it when the stuck event finally returns. Neither instance drains and the future
     * never completes.
     */
    @Test
    void shouldCompleteDrainRequestedOfWorkerThatTimesOut() throws Exception {
        Duration eventTimeout = Duration.ofSeconds(1);
        harness = new GroupHarness(EVENTS, 1, 4, eventTimeout);
        harness.dispatch("block stuck");
        harness.functions.awaitStarted("block stuck");
        CompletableFuture<Void> drained = harness.dispatcher.drainFunctions();
        harness.clock.advance(eventTimeout.plusNanos(1));
        assertThat(harness.watchdog.doWork()).isEqualTo(1);
        EventSlot timedOut = harness.nextAnswer();
        assertThat(timedOut.outcome()).isEqualTo(EventOutcome.TIMEOUT);
        timedOut.release();

        harness.functions.openGate();

        drained.get(5, TimeUnit.SECONDS);
    }

    private void awaitAllParked() {
        Await.await(
                () -> harness.functions.instances.stream()
                        .allMatch(instance -> instance.workerThread != null
                                && instance.workerThread.getState() == Thread.State.TIMED_WAITING),
                "every worker parked");
    }

    private void captureWorkerLogs() {
        logs = new ListAppender<>();
        logs.start();
        workerLogger = (Logger) LoggerFactory.getLogger(Worker.class);
        workerLogger.addAppender(logs);
    }
}
