package io.nucleon.runtime.dispatch;

import static io.nucleon.runtime.dispatch.PoolHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.function.Response;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Events from a trigger through the ring to a worker's function and back. */
class EventDispatcherTest {

    private PoolHarness harness;

    @AfterEach
    void closePool() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldAnswerWithFunctionsResponseForTheBodyItWasGiven() throws Exception {
        harness = new PoolHarness(1, 4);
        byte[] body = {0, 1, 2, (byte) 0xff, 'h', 'i', (byte) 0x80};

        EventSlot dispatched = harness.dispatch(body);
        EventSlot slot = harness.nextAnswer();

        assertThat(slot).isSameAs(dispatched);
        assertThat(slot.isResultReady()).isTrue();
        assertThat(slot.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(slot.error()).isNull();
        assertThat(slot.attachment()).isSameAs(body);
        assertThat(slot.dispatcher()).isSameAs(harness.dispatcher);
        Response response = slot.response();
        assertThat(bytesOf(response.body())).containsExactly(body);
        assertThat(response.contentType()).isEqualTo("application/octet-stream");
        assertThat(response.headers())
                .containsEntry("X-Body-Size", "7")
                .containsEntry("X-Context-Trigger", "test/t1")
                .containsEntry("X-Event-Trigger", "test/t1")
                .containsEntry("X-Event-Id", "1")
                .containsEntry("X-Worker", "0");
        slot.release();
    }

    @Test
    void shouldNumberEventsOfDispatcherInOrder() throws Exception {
        harness = new PoolHarness(1, 4);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            harness.dispatch("event " + i);
            EventSlot slot = harness.nextAnswer();
            ids.add(slot.response().headers().get("X-Event-Id"));
            assertThat(slot.id()).isEqualTo(i + 1);
            slot.release();
        }

        assertThat(ids).containsExactly("1", "2", "3");
    }

    @Test
    void shouldAnswerFunctionErrorWhenFunctionThrowsAndKeepServing() throws Exception {
        harness = new PoolHarness(1, 4);

        harness.dispatch("boom: bad input");
        EventSlot failed = harness.nextAnswer();

        assertThat(failed.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(failed.response()).isNull();
        assertThat(failed.error()).isInstanceOf(IllegalStateException.class).hasMessage("boom: bad input");
        failed.release();

        harness.dispatch("after");
        EventSlot next = harness.nextAnswer();

        assertThat(next.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(bytesOf(next.response().body())).containsExactly(bytes("after"));
        assertThat(harness.functions.instances).hasSize(1);
        next.release();
    }

    @Test
    void shouldAnswerFunctionErrorWhenFunctionReturnsNull() throws Exception {
        harness = new PoolHarness(1, 4);

        harness.dispatch("null please");
        EventSlot slot = harness.nextAnswer();

        assertThat(slot.outcome()).isEqualTo(EventOutcome.FUNCTION_ERROR);
        assertThat(slot.response()).isNull();
        assertThat(slot.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
        slot.release();
    }

    @Test
    void shouldRunFastEventWhileSlowOneHoldsTheOtherWorker() throws Exception {
        harness = new PoolHarness(2, 8);

        EventSlot slow = harness.dispatch("block slow");
        harness.functions.awaitStarted("block slow");
        harness.dispatch("fast");
        EventSlot fast = harness.nextAnswer();

        assertThat(bytesOf(fast.response().body())).containsExactly(bytes("fast"));
        assertThat(slow.isResultReady()).isFalse();
        assertThat(harness.pool.busyWorkers()).isEqualTo(1);
        fast.release();

        harness.functions.openGate();
        EventSlot slowAnswer = harness.nextAnswer();

        assertThat(slowAnswer).isSameAs(slow);
        assertThat(slowAnswer.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(bytesOf(slowAnswer.response().body())).containsExactly(bytes("block slow"));
        slowAnswer.release();
    }

    @Test
    void shouldRefuseEventWhenRingIsFullAndLeaveAttachmentToTrigger() throws Exception {
        harness = new PoolHarness(1, 2);
        harness.dispatch("block running");
        harness.functions.awaitStarted("block running");
        assertThat(harness.dispatch("queued")).isNotNull();
        byte[] refused = bytes("refused");

        assertThat(harness.dispatch(refused)).isNull();

        assertThat(harness.counter("nucleon_trigger_events_rejected", "reason", "ring_full"))
                .isEqualTo(1.0);
        harness.functions.openGate();
        harness.nextAnswer().release();
        harness.nextAnswer().release();
        harness.awaitIdle();
        assertThat(harness.adapter.releases(refused)).isZero();
        assertThat(harness.functions.handled).containsExactly("block running", "queued");
        assertThat(harness.dispatch("room again")).isNotNull();
        harness.nextAnswer().release();
    }

    @Test
    void shouldReleaseEachAttachmentExactlyOnceAfterBothSidesLetGo() throws Exception {
        harness = new PoolHarness(2, 32);
        List<byte[]> attachments = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] attachment = bytes((i % 5 == 0 ? "boom " : "ok ") + i);
            attachments.add(attachment);
            assertThat(harness.dispatch(attachment)).isNotNull();
        }
        List<EventSlot> answers = new ArrayList<>();
        for (int i = 0; i < attachments.size(); i++) {
            answers.add(harness.nextAnswer());
        }

        for (byte[] attachment : attachments) {
            assertThat(harness.adapter.releases(attachment))
                    .as("released before the trigger let go")
                    .isZero();
        }
        answers.forEach(EventSlot::release);

        Await.await(
                () -> attachments.stream().allMatch(a -> harness.adapter.releases(a) == 1),
                "every attachment released once");
        harness.awaitIdle();
        for (byte[] attachment : attachments) {
            assertThat(harness.adapter.releases(attachment)).isEqualTo(1);
        }
    }

    @Test
    void shouldFailWhenTriggerReleasesSlotTwice() throws Exception {
        harness = new PoolHarness(1, 2);
        harness.dispatch("once");
        EventSlot slot = harness.nextAnswer();
        slot.release();
        harness.awaitIdle();

        assertThatThrownBy(slot::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released more often than held");
    }

    @Test
    void shouldRecycleSlotsWhenMoreEventsThanRingSize() throws Exception {
        harness = new PoolHarness(1, 2);
        Set<EventSlot> slotsSeen = Collections.newSetFromMap(new IdentityHashMap<>());

        for (int i = 0; i < 50; i++) {
            EventSlot slot = harness.dispatch("event " + i);
            assertThat(slot).as("slot for event %d", i).isNotNull();
            slotsSeen.add(slot);
            EventSlot answer = harness.nextAnswer();
            assertThat(answer.outcome()).isEqualTo(EventOutcome.SUCCESS);
            assertThat(bytesOf(answer.response().body())).containsExactly(bytes("event " + i));
            answer.release();
        }

        assertThat(slotsSeen).hasSize(harness.pool.ringSize());
        harness.awaitIdle();
        assertThat(harness.functions.handled).hasSize(50);
    }

    @Test
    void shouldSpreadEventsOverEveryWorkersOwnFunctionInstance() throws Exception {
        harness = new PoolHarness(3, 8);

        for (int i = 0; i < 3; i++) {
            harness.dispatch("block " + i);
            harness.functions.awaitStarted("block " + i);
        }
        harness.functions.openGate();
        List<String> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EventSlot slot = harness.nextAnswer();
            workers.add(slot.response().headers().get("X-Worker"));
            slot.release();
        }

        assertThat(workers).containsExactlyInAnyOrder("0", "1", "2");
        assertThat(harness.functions.instances)
                .extracting(instance -> instance.initWorkerId)
                .containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void shouldCountHandledSuccessAndFailure() throws Exception {
        harness = new PoolHarness(1, 4);
        TriggerMetrics metrics = harness.dispatcher.metrics();

        for (String body : List.of("ok", "boom", "ok", "null")) {
            harness.dispatch(body);
            harness.nextAnswer().release();
        }

        assertThat(metrics.handledSuccess()).isEqualTo(2);
        assertThat(metrics.handledFailure()).isEqualTo(2);
        assertThat(harness.counter("nuclio_processor_handled_events", "result", "success", "trigger", "t1"))
                .isEqualTo(2.0);
        assertThat(harness.counter("nuclio_processor_handled_events", "result", "failure"))
                .isEqualTo(2.0);
        assertThat(harness.counter("nuclio_processor_worker_allocation", "result", "success_immediate"))
                .isEqualTo(4.0);
        // the worker records an event's duration after answering it
        Await.await(
                () -> harness.registry
                                .get("nuclio_processor_handled_events_duration")
                                .functionTimer()
                                .count()
                        == 4,
                "four durations recorded");
    }

    @Test
    void shouldMeasureWaitAndDurationWithPoolsClock() throws Exception {
        harness = new PoolHarness(1, 4);
        harness.dispatch("block first");
        harness.functions.awaitStarted("block first");
        harness.dispatch("second");

        harness.clock.advance(java.time.Duration.ofMillis(50));
        harness.functions.openGate();
        harness.nextAnswer().release();
        harness.nextAnswer().release();

        assertThat(harness.counter("nuclio_processor_worker_allocation", "result", "success_immediate"))
                .isEqualTo(1.0);
        assertThat(harness.counter("nuclio_processor_worker_allocation", "result", "success_after_wait"))
                .isEqualTo(1.0);
        assertThat(harness.registry
                        .get("nuclio_processor_worker_allocation_wait_duration")
                        .functionTimer()
                        .totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(50.0);
        Await.await(
                () -> harness.registry
                                .get("nuclio_processor_handled_events_duration")
                                .functionTimer()
                                .count()
                        == 2,
                "second event's duration recorded");
        assertThat(harness.registry
                        .get("nuclio_processor_handled_events_duration")
                        .functionTimer()
                        .totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(50.0);
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return copy;
    }
}
