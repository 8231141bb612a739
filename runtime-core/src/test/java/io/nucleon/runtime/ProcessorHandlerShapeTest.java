package io.nucleon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import io.nucleon.runtime.dispatch.EventGroup;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor matches the handler's shape to its triggers: a trigger with a {@code batch} section
 * needs a {@link BatchFunction} and a kind that takes micro-batches; one without needs a {@link Function}.
 * Uses the {@code stub-events} and {@code stub-stream} kinds of {@link StubTriggerFactories}.
 */
class ProcessorHandlerShapeTest {

    private static final String BATCH = """
                  batch:
                    batchSize: 10
                    timeout: 50ms
            """;

    private Processor processor;

    @BeforeEach
    void resetInits() {
        INITS.set(0);
    }

    @AfterEach
    void closeProcessor() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void shouldRefuseBatchFunctionOnlyHandlerForTriggerWithoutBatch() {
        assertThatThrownBy(() -> start(BatchOnlyHandler.class, trigger("web", "stub-events", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.handler: class '" + BatchOnlyHandler.class.getName() + "'")
                .hasMessageContaining("must implement io.nucleon.function.Function")
                .hasMessageContaining("spec.triggers.web has no batch section")
                .hasMessageContaining("BatchFunction");
        assertThat(INITS).as("refused before any worker's init").hasValue(0);
    }

    @Test
    void shouldRefuseFunctionOnlyHandlerForTriggerWithBatch() {
        assertThatThrownBy(() -> start(EventOnlyHandler.class, trigger("orders", "stub-stream", BATCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.handler: class '" + EventOnlyHandler.class.getName() + "'")
                .hasMessageContaining("must implement io.nucleon.function.BatchFunction")
                .hasMessageContaining("spec.triggers.orders has a batch section");
        assertThat(INITS).hasValue(0);
    }

    @Test
    void shouldRefuseBatchSectionOnTriggerKindWithoutBatches() {
        assertThatThrownBy(() -> start(BothHandler.class, trigger("web", "stub-events", BATCH)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.triggers.web.batch: ")
                .hasMessageContaining("'stub-events' do not take micro-batches")
                .hasMessageStartingWith("function.yaml");
        assertThat(INITS).hasValue(0);
    }

    @Test
    void shouldTreatDisabledBatchSectionAsNone() {
        processor = start(EventOnlyHandler.class, trigger("web", "stub-events", """
                          batch:
                            mode: disable
                    """));

        assertThat(processor.state()).isEqualTo(ProcessorState.READY);
    }

    @Test
    void shouldStartBatchFunctionOnlyHandlerForBatchTrigger() {
        processor = start(BatchOnlyHandler.class, trigger("orders", "stub-stream", BATCH));

        assertThat(processor.state()).isEqualTo(ProcessorState.READY);
        assertThat(INITS).hasValue(1);
    }

    @Test
    void shouldServeBothTriggerShapesWithHandlerImplementingBoth() throws Exception {
        processor =
                start(BothHandler.class, trigger("web", "stub-events", "") + trigger("orders", "stub-stream", BATCH));
        assertThat(processor.state()).isEqualTo(ProcessorState.READY);
        BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();

        dispatcher("web").dispatch(BodyAdapter.INSTANCE, "single", answered::add);
        EventSlot single = answered.poll(5, TimeUnit.SECONDS);
        assertThat(single.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(StandardCharsets.UTF_8.decode(single.response().body()).toString())
                .isEqualTo("handled single");
        single.release();

        OneBatch batch = new OneBatch(List.of(new BodyEvent("a"), new BodyEvent("fail"), new BodyEvent("c")));
        assertThat(dispatcher("orders").dispatchGroup(batch, answered::add)).isNotNull();
        EventSlot slot = answered.poll(5, TimeUnit.SECONDS);
        assertThat(slot.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(slot.batchResult().failedIndexes()).containsExactly(1);
        slot.release();
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    private static String trigger(String name, String kind, String extra) {
        return """
                    %s:
                      kind: %s
                """.formatted(name, kind) + extra;
    }

    private static Processor start(Class<?> handler, String triggers) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: shape-test
                spec:
                  handler: %s
                  triggers:
                """.formatted(handler.getName()) + triggers;
        ProcessorSettings settings = ProcessorSettings.defaults(
                        FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", -1)
                .withDrainTimeout(Duration.ofSeconds(5));
        return Processor.start(settings);
    }

    private io.nucleon.runtime.dispatch.EventDispatcher dispatcher(String trigger) {
        return ((StubTriggerFactories.StubTrigger) processor.trigger(trigger)).dispatcher();
    }

    // ---- handler fixtures: public, as the loader needs ----------------------------------------------------

    static final AtomicInteger INITS = new AtomicInteger();

    public static final class EventOnlyHandler implements Function {
        @Override
        public void init(InitContext context) {
            INITS.incrementAndGet();
        }

        @Override
        public Response handle(Context context, Event event) {
            return Response.ok("handled " + event.bodyString());
        }
    }

    public static final class BatchOnlyHandler implements BatchFunction {
        @Override
        public void init(InitContext context) {
            INITS.incrementAndGet();
        }

        @Override
        public BatchResult handleBatch(Context context, List<Event> events) {
            return failedOnes(events);
        }
    }

    public static final class BothHandler implements Function, BatchFunction {
        @Override
        public void init(InitContext context) {
            INITS.incrementAndGet();
        }

        @Override
        public Response handle(Context context, Event event) {
            return Response.ok("handled " + event.bodyString());
        }

        @Override
        public BatchResult handleBatch(Context context, List<Event> events) {
            return failedOnes(events);
        }
    }

    private static BatchResult failedOnes(List<Event> events) {
        int[] failed = new int[events.size()];
        int count = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).bodyString().equals("fail")) {
                failed[count++] = i;
            }
        }
        return BatchResult.failed(java.util.Arrays.copyOf(failed, count));
    }

    // ---- events a stub trigger hands over -----------------------------------------------------------------

    /** A batch of ready-made events. */
    private record OneBatch(List<Event> events) implements EventGroup {

        @Override
        public boolean isBatch() {
            return true;
        }

        @Override
        public int size() {
            return events.size();
        }

        @Override
        public Event event(int index) {
            return events.get(index);
        }

        @Override
        public void assignIds(long firstEventId) {}
    }

    /** A stream event with a body and nothing else. */
    private record BodyEvent(String text) implements Event {

        @Override
        public long id() {
            return 0;
        }

        @Override
        public String triggerKind() {
            return "stub-stream";
        }

        @Override
        public String triggerName() {
            return "orders";
        }

        @Override
        public String contentType() {
            return "";
        }

        @Override
        public ByteBuffer body() {
            return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        }

        @Override
        public int bodySize() {
            return text.length();
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public long timestampMillis() {
            return 0;
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return -1;
        }

        @Override
        public String topic() {
            return "";
        }

        @Override
        public ByteBuffer key() {
            return null;
        }
    }
}
