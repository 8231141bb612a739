package io.nucleon.runtime.dispatch;

import static io.nucleon.runtime.dispatch.GroupFunctions.Shape.BATCHES;
import static io.nucleon.runtime.dispatch.GroupFunctions.Shape.BOTH;
import static io.nucleon.runtime.dispatch.GroupFunctions.Shape.EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Groups of events through {@link EventDispatcher#dispatchGroup}: runs (one {@code handle} per event, in
 * order, stopping at the first failure) and batches (one {@code handleBatch} call).
 */
class EventGroupDispatchTest {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ONE_NANO = Duration.ofNanos(1);
    private static final Duration SIXTY_PERCENT = EVENT_TIMEOUT.multipliedBy(6).dividedBy(10);

    private GroupHarness harness;

    @AfterEach
    void closePool() {
        if (harness != null) {
            harness.close();
        }
    }

    // ---- runs ---------------------------------------------------------------------------------------------

    @Test
    void shouldHandleEveryEventOfRunInOrderOnOneWorkerThread() throws Exception {
        harness = new GroupHarness(EVENTS, 3);
        TestGroup run = TestGroup.run("e0", "e1", "e2", "e3", "e4");

        EventSlot dispatched = harness.dispatchGroup(run);
        EventSlot slot = harness.nextAnswer();

        assertThat(slot).isSameAs(dispatched);
        assertThat(slot.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(slot.error()).isNull();
        assertThat(slot.response()).as("a run has no single response").isNull();
        assertThat(slot.batchResult()).isNull();
        assertThat(slot.handledCount()).isEqualTo(5);
        assertThat(slot.group()).isSameAs(run);
        assertThat(slot.attachment()).isSameAs(run);
        assertThat(harness.functions.handledBodies()).containsExactly("e0", "e1", "e2", "e3", "e4");
        List<GroupFunctions.Call> calls = harness.functions.calls("handle");
        assertThat(calls)
                .extracting(GroupFunctions.Call::thread)
                .containsOnly(calls.get(0).thread());
        assertThat(calls.get(0).thread()).startsWith("nucleon-worker-pool-");
        assertThat(calls)
                .extracting(GroupFunctions.Call::instance)
                .containsOnly(calls.get(0).instance());
        assertThat(calls).extracting(GroupFunctions.Call::contextTrigger).containsOnly("test/t1");
        slot.release();
        harness.awaitIdle();
    }

    @Test
    void shouldGiveRunConsecutiveIdsFromSlotIdAndReserveThemFromLaterEvents() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        harness.dispatch("single before");
        EventSlot before = harness.nextAnswer();
        long beforeId = before.id();
        before.release();
        TestGroup run = TestGroup.run("e0", "e1", "e2", "e3", "e4");

        EventSlot slot = harness.dispatchGroup(run);
        long firstId = slot.id();
        EventSlot answer = harness.nextAnswer();

        assertThat(firstId).isEqualTo(beforeId + 1);
        assertThat(run.assignedIds)
                .as("assignIds called once, with the slot's id")
                .containsExactly(firstId);
        assertThat(harness.functions.calls("handle"))
                .filteredOn(call -> call.bodies().get(0).startsWith("e"))
                .flatExtracting(GroupFunctions.Call::ids)
                .containsExactlyElementsOf(
                        LongStream.range(firstId, firstId + 5).boxed().toList());
        answer.release();

        harness.dispatch("single after");
        EventSlot after = harness.nextAnswer();
        assertThat(after.id()).as("the group's ids are not handed out again").isEqualTo(firstId + 5);
        after.release();
    }

    @Test
    void shouldStopRunAtFirstFailureAndCountTheEventsBeforeIt() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        TestGroup run = TestGroup.run("e0", "e1", "boom at e2", "e3", "e4");

        harness.dispatchGroup(run);
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.handledCount()).isEqualTo(2);
        assertThat(slot.error()).isSameAs(harness.functions.thrown.get("boom at e2"));
        assertThat(slot.response()).isNull();
        assertThat(harness.functions.handledBodies())
                .as("e3 and e4 never ran")
                .containsExactly("e0", "e1", "boom at e2");
        slot.release();

        harness.dispatch("next");
        EventSlot next = harness.nextAnswer();
        assertThat(next.outcome()).as("the worker goes on").isEqualTo(EventOutcome.SUCCESS);
        assertThat(next.handledCount())
                .as("a single event reused slot starts from 0")
                .isZero();
        next.release();
        harness.awaitIdle();
    }

    @Test
    void shouldFailRunAtEventThatReturnsNull() throws Exception {
        harness = new GroupHarness(EVENTS, 1);

        harness.dispatchGroup(TestGroup.run("e0", "null at e1", "e2"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.handledCount()).isEqualTo(1);
        assertThat(slot.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
        assertThat(harness.functions.handledBodies()).containsExactly("e0", "null at e1");
        slot.release();
    }

    @Test
    void shouldFailRunAtItsFirstEventWithNothingHandled() throws Exception {
        harness = new GroupHarness(EVENTS, 1);

        harness.dispatchGroup(TestGroup.run("boom first", "e1"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.handledCount()).isZero();
        assertThat(harness.functions.handledBodies()).containsExactly("boom first");
        slot.release();
    }

    @Test
    void shouldTimeOutRunWhoseEventHangsAndNeverRunTheEventsAfterIt() throws Exception {
        harness = new GroupHarness(EVENTS, 1, 4, EVENT_TIMEOUT);
        TestGroup run = TestGroup.run("step e0", "block e1", "e2", "e3");
        EventSlot dispatched = harness.dispatchGroup(run);
        harness.functions.awaitStarted("step e0");
        harness.clock.advance(SIXTY_PERCENT);
        harness.functions.step();
        harness.functions.awaitStarted("block e1");

        harness.clock.advance(EVENT_TIMEOUT);
        assertThat(harness.watchdog.doWork())
                .as("exactly at the timeout, counted from e1's start")
                .isZero();
        harness.clock.advance(ONE_NANO);
        assertThat(harness.watchdog.doWork()).isEqualTo(1);

        EventSlot slot = harness.nextAnswer();
        assertThat(slot).isSameAs(dispatched);
        assertThat(slot.outcome()).isEqualTo(EventOutcome.TIMEOUT);
        assertThat(harness.handledAtAnswer.get(slot)).isEqualTo(1);
        assertThat(slot.error()).isNull();
        assertThat(harness.watchdog.doWork()).as("answered once only").isZero();
        slot.release();
        assertThat(run.releases).as("the stuck worker still reads the group").hasValue(0);

        harness.functions.openGate();

        Await.await(() -> run.releases.get() == 1, "group released once the stuck worker let go");
        GroupFunctions.Instance stuck = harness.functions.instances.get(0);
        Await.await(() -> stuck.closes.get() == 1, "the stuck worker retired");
        assertThat(harness.functions.handledBodies()).as("e2 and e3 never ran").containsExactly("step e0", "block e1");
        assertThat(harness.answered).as("the late finish is not answered again").isEmpty();
        harness.awaitIdle();
        assertThat(run.releases).hasValue(1);
    }

    @Test
    void shouldRestartEventTimeoutForEachEventOfRun() throws Exception {
        harness = new GroupHarness(EVENTS, 1, 4, EVENT_TIMEOUT);
        harness.dispatchGroup(TestGroup.run("step e0", "step e1", "step e2"));

        for (String body : List.of("step e0", "step e1", "step e2")) {
            harness.functions.awaitStarted(body);
            harness.clock.advance(SIXTY_PERCENT);
            assertThat(harness.watchdog.doWork())
                    .as("%s ran 60%% of the timeout", body)
                    .isZero();
            harness.functions.step();
        }
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).as("1.8 timeouts in all, 0.6 per event").isEqualTo(EventOutcome.SUCCESS);
        assertThat(slot.handledCount()).isEqualTo(3);
        assertThat(harness.functions.instances).as("no worker replaced").hasSize(1);
        slot.release();
    }

    @Test
    void shouldFailRunWhenHandlerImplementsOnlyBatchFunction() throws Exception {
        harness = new GroupHarness(BATCHES, 1);

        harness.dispatchGroup(TestGroup.run("e0", "e1"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.handledCount()).isZero();
        assertThat(slot.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("Function");
        assertThat(harness.functions.calls).isEmpty();
        slot.release();
    }

    // ---- batches ------------------------------------------------------------------------------------------

    @Test
    void shouldPassBatchInOneCallAndReportWhichEventsFailed() throws Exception {
        harness = new GroupHarness(BATCHES, 2);
        TestGroup batch = TestGroup.batch("fail:1,3", "b1", "b2", "b3", "b4");

        EventSlot dispatched = harness.dispatchGroup(batch);
        EventSlot slot = harness.nextAnswer();

        assertThat(slot).isSameAs(dispatched);
        assertThat(slot.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(slot.error()).isNull();
        assertThat(slot.response()).isNull();
        assertThat(slot.batchResult()).isNotNull();
        assertThat(slot.batchResult().failedIndexes()).containsExactly(1, 3);
        assertThat(slot.handledCount()).as("only runs count handled events").isZero();
        assertThat(harness.functions.calls).hasSize(1);
        GroupFunctions.Call call = harness.functions.calls.get(0);
        assertThat(call.kind()).isEqualTo("handleBatch");
        assertThat(call.bodies()).containsExactly("fail:1,3", "b1", "b2", "b3", "b4");
        assertThat(call.ids())
                .containsExactlyElementsOf(
                        LongStream.range(slot.id(), slot.id() + 5).boxed().toList());
        assertThat(call.thread()).startsWith("nucleon-worker-pool-");
        assertThat(call.contextTrigger()).isEqualTo("test/t1");
        assertThat(batch.assignedIds).containsExactly(slot.id());
        slot.release();
        harness.awaitIdle();
        assertThat(batch.releases).hasValue(1);
    }

    @Test
    void shouldAnswerSuccessWithAllSucceededForCleanBatch() throws Exception {
        harness = new GroupHarness(BOTH, 1);

        harness.dispatchGroup(TestGroup.batch("b0", "b1"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(slot.batchResult().allSucceeded()).isTrue();
        assertThat(harness.functions.calls("handle"))
                .as("a batch never goes to handle")
                .isEmpty();
        slot.release();
    }

    @Test
    void shouldAnswerFunctionErrorWhenBatchThrows() throws Exception {
        harness = new GroupHarness(BATCHES, 1);

        harness.dispatchGroup(TestGroup.batch("boom batch", "b1"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.error()).isSameAs(harness.functions.thrown.get("boom batch"));
        assertThat(slot.batchResult()).isNull();
        slot.release();

        harness.dispatchGroup(TestGroup.batch("b0"));
        EventSlot next = harness.nextAnswer();
        assertThat(next.outcome()).as("the worker goes on").isEqualTo(EventOutcome.SUCCESS);
        next.release();
    }

    @Test
    void shouldAnswerFunctionErrorWhenBatchReturnsNull() throws Exception {
        harness = new GroupHarness(BATCHES, 1);

        harness.dispatchGroup(TestGroup.batch("null batch", "b1"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
        assertThat(slot.batchResult()).isNull();
        slot.release();
    }

    @Test
    void shouldFailBatchWhenHandlerImplementsOnlyFunction() throws Exception {
        harness = new GroupHarness(EVENTS, 1);

        harness.dispatchGroup(TestGroup.batch("b0", "b1"));
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("BatchFunction");
        assertThat(harness.functions.calls).isEmpty();
        slot.release();
    }

    @Test
    void shouldFailSingleEventWhenHandlerImplementsOnlyBatchFunction() throws Exception {
        harness = new GroupHarness(BATCHES, 1);

        harness.dispatch("single");
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("BatchFunction");
        slot.release();
    }

    @Test
    void shouldTimeOutBatchThatHangs() throws Exception {
        harness = new GroupHarness(BATCHES, 1, 4, EVENT_TIMEOUT);
        TestGroup batch = TestGroup.batch("block batch", "b1");
        harness.dispatchGroup(batch);
        harness.functions.awaitStarted("block batch");

        harness.clock.advance(EVENT_TIMEOUT.plus(ONE_NANO));
        assertThat(harness.watchdog.doWork()).isEqualTo(1);
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.TIMEOUT);
        assertThat(slot.batchResult()).isNull();
        slot.release();
        assertThat(batch.releases).hasValue(0);
        harness.functions.openGate();
        Await.await(() -> batch.releases.get() == 1, "group released once the stuck worker let go");
        harness.awaitIdle();
        assertThat(harness.answered).isEmpty();
    }

    @Test
    void shouldAnswerNoWorkerForGroupThatWaitedTooLongAndNeverRunIt() throws Exception {
        Duration availabilityTimeout = Duration.ofMillis(100);
        harness = new GroupHarness(BOTH, 1, 4, Duration.ofHours(1), availabilityTimeout);
        harness.dispatch("block running");
        harness.functions.awaitStarted("block running");
        TestGroup waiting = TestGroup.run("e0", "e1");
        EventSlot queued = harness.dispatchGroup(waiting);

        harness.clock.advance(availabilityTimeout.plus(ONE_NANO));
        assertThat(harness.watchdog.doWork()).isEqualTo(1);

        EventSlot slot = harness.nextAnswer();
        assertThat(slot).isSameAs(queued);
        assertThat(slot.outcome()).isEqualTo(EventOutcome.NO_WORKER);
        assertThat(slot.handledCount()).isZero();
        slot.release();
        assertThat(waiting.releases).as("still in the ready queue").hasValue(0);
        harness.functions.openGate();
        harness.nextAnswer().release();
        harness.awaitIdle();
        assertThat(waiting.releases).hasValue(1);
        assertThat(harness.functions.handledBodies()).containsExactly("block running");
    }

    // ---- the group's life ---------------------------------------------------------------------------------

    @Test
    void shouldReleaseGroupOnTriggersThreadWhenTriggerLetsGoLast() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        TestGroup run = TestGroup.run("e0", "e1");
        harness.dispatchGroup(run);
        EventSlot slot = harness.nextAnswer();
        harness.dispatch("after"); // one worker: once this is answered, the worker has let go of the group
        EventSlot after = harness.nextAnswer();
        after.release();

        assertThat(run.releases).as("the trigger still holds the slot").hasValue(0);
        slot.release();

        assertThat(run.releases).hasValue(1);
        assertThat(run.releasedOn).isEqualTo(Thread.currentThread().getName());
        harness.awaitIdle();
        assertThat(run.releases).hasValue(1);
    }

    @Test
    void shouldReleaseGroupOnWorkerThreadWhenWorkerLetsGoLast() throws Exception {
        harness = new GroupHarness(EVENTS, 1);
        TestGroup run = TestGroup.run("e0", "e1");
        // the trigger lets go inside the completion, which the worker calls before it lets go itself
        AtomicInteger releasesBeforeTriggerLetGo = new AtomicInteger(-1);
        harness.dispatcher.dispatchGroup(run, slot -> {
            releasesBeforeTriggerLetGo.set(run.releases.get());
            slot.release();
            harness.answered.add(slot);
        });
        harness.nextAnswer();

        Await.await(() -> run.releases.get() == 1, "group released");
        harness.awaitIdle();
        assertThat(run.releases).hasValue(1);
        assertThat(releasesBeforeTriggerLetGo).hasValue(0);
        assertThat(run.releasedOn).startsWith("nucleon-worker-pool-");
    }

    @Test
    void shouldReleaseEachGroupOnceWhenSlotsAreReused() throws Exception {
        harness = new GroupHarness(BOTH, 2, 2, Duration.ofHours(1));
        List<TestGroup> groups = new ArrayList<>();
        AtomicInteger answers = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            TestGroup group = i % 2 == 0 ? TestGroup.run("r" + i, "boom r" + i) : TestGroup.batch("b" + i);
            groups.add(group);
            dispatchReleasingAnswersUntilRoom(group, answers);
        }
        while (answers.get() < groups.size()) {
            harness.nextAnswer().release();
            answers.incrementAndGet();
        }

        harness.awaitIdle();
        assertThat(groups).allSatisfy(group -> {
            assertThat(group.releases).hasValue(1);
            assertThat(group.assignedIds).hasSize(1);
        });
    }

    /** With a small ring: the trigger releases answered slots until the group finds a free one. */
    private void dispatchReleasingAnswersUntilRoom(TestGroup group, AtomicInteger answers) {
        Await.await(
                () -> {
                    if (harness.dispatchGroup(group) != null) {
                        return true;
                    }
                    EventSlot done = harness.answered.poll();
                    if (done != null) {
                        done.release();
                        answers.incrementAndGet();
                    }
                    return false;
                },
                "a free slot");
    }

    /**
     * {@code dispatchGroup} claims a slot and then calls the trigger's {@code assignIds}; when that throws,
     * the claimed slot is never published nor returned to the free list, so the ring loses it for good.
     */
    @Test
    void shouldKeepRingWholeWhenAssignIdsThrows() throws Exception {
        harness = new GroupHarness(EVENTS, 1, 2, Duration.ofHours(1));
        EventGroup broken = new EventGroup() {
            @Override
            public boolean isBatch() {
                return false;
            }

            @Override
            public int size() {
                return 1;
            }

            @Override
            public io.nucleon.function.Event event(int index) {
                throw new AssertionError("never runs");
            }

            @Override
            public List<io.nucleon.function.Event> events() {
                throw new AssertionError("never runs");
            }

            @Override
            public void assignIds(long firstEventId) {
                throw new IllegalStateException("trigger bug");
            }
        };

        assertThatThrownBy(() -> harness.dispatchGroup(broken)).hasMessage("trigger bug");

        assertThat(harness.pool.freeSlots()).isEqualTo(harness.pool.ringSize());
    }

    @Test
    void shouldRefuseGroupWhenRingIsFullWithoutAssigningIds() throws Exception {
        harness = new GroupHarness(EVENTS, 1, 2, Duration.ofHours(1));
        harness.dispatch("block running");
        harness.functions.awaitStarted("block running");
        harness.dispatch("queued");
        TestGroup run = TestGroup.run("e0", "e1");

        EventSlot refused = harness.dispatchGroup(run);

        assertThat(refused).isNull();
        assertThat(run.assignedIds).isEmpty();
        assertThat(run.releases).as("the trigger keeps the group").hasValue(0);
        assertThat(harness.registry
                        .get("nucleon_trigger_events_rejected")
                        .tags("reason", "ring_full")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);

        harness.functions.openGate();
        harness.nextAnswer().release();
        harness.nextAnswer().release();
        harness.awaitIdle();
        EventSlot accepted = harness.dispatchGroup(run);
        assertThat(accepted).isNotNull();
        assertThat(run.assignedIds).containsExactly(accepted.id());
        harness.nextAnswer().release();
    }
}
