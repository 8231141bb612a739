package io.nucleon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.FunctionMetrics;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import io.nucleon.runtime.binding.TestBindings;
import io.nucleon.runtime.dispatch.EventOutcome;
import io.nucleon.runtime.dispatch.EventSlot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stateful function in a real processor (stub triggers, the {@code test-kv} binding of {@link TestBindings}):
 * lifecycle hooks in order, data bindings handed out and closed, the shared context cache and user metrics on
 * {@code /metrics}.
 */
class StatefulFunctionTest {

    /** What happened, in order: the {@code test-kv} bindings' lines and "worker 0 init", ... of the handlers. */
    static final List<String> LIFE = TestBindings.EVENTS;

    private Processor processor;

    @BeforeEach
    void reset() {
        TestBindings.reset();
        SlowOnce.FIRST.set(true);
        HANDLES.clear();
    }

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void shouldRunInitEventsDrainAndCloseInOrderOnEachWorkerThenCloseBindings() throws Exception {
        processor = start(LifecycleRecorder.class, "    web: {kind: stub-events, numWorkers: 2}\n", """
                  dataBindings:
                    kv: {kind: test-kv}
                """);
        for (int i = 0; i < 10; i++) {
            call("web", "e" + i);
        }

        processor.close();
        processor = null;

        List<String> life = new ArrayList<>(LIFE);
        for (String worker : List.of("worker 0", "worker 1")) {
            List<String> own = life.stream()
                    .filter(line -> line.startsWith(worker + " "))
                    .map(line -> line.substring(worker.length() + 1))
                    .filter(line -> !line.equals("event"))
                    .toList();
            assertThat(own).as(worker).containsExactly("init", "drain", "close");
        }
        assertThat(life.stream().filter(line -> line.endsWith(" event"))).hasSize(10);
        assertThat(life.subList(0, 2)).containsExactly("create kv", "check kv");
        assertThat(life.getLast())
                .as("the binding closes after every worker's close")
                .isEqualTo("close kv");
    }

    @Test
    void shouldRunTheDrainHookOnceAtStopWhenATriggerDrainedAfterTheLastEvent() throws Exception {
        processor = start(LifecycleRecorder.class, "    web: {kind: stub-events}\n", "");
        call("web", "a");
        stubDispatcher("web").drainFunctions().get(5, TimeUnit.SECONDS);

        processor.close();
        processor = null;

        assertThat(LIFE.stream().filter(line -> line.startsWith("worker 0 ")).toList())
                .containsExactly("worker 0 init", "worker 0 event", "worker 0 drain", "worker 0 close");
    }

    @Test
    void shouldWaitForAWorkerReplacedAfterATimeoutBeforeClosingTheBindings() throws Exception {
        processor = Processor.start(settings(
                        SlowOnce.class,
                        "    web: {kind: stub-events}\n",
                        "  eventTimeout: 200ms\n  dataBindings:\n" + "    kv: {kind: test-kv}\n")
                .withDrainTimeout(Duration.ofMillis(100)));
        BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
        stubDispatcher("web").dispatch(BodyAdapter.INSTANCE, "slow", answered::add);
        EventSlot timedOut = answered.poll(5, TimeUnit.SECONDS);
        assertThat(timedOut.outcome()).isEqualTo(EventOutcome.TIMEOUT);
        timedOut.release();

        processor.close(); // the stuck first worker is still busy (1.5 s, deaf to interrupts)
        processor = null;

        assertThat(LIFE).containsSubsequence("slow event returned", "slow drain", "slow close", "close kv");
    }

    @Test
    void shouldNotBecomeReadyWhenABindingCannotConnectAndNameIt() {
        assertThatThrownBy(() -> start(LifecycleRecorder.class, "    web: {kind: stub-events}\n", """
                          dataBindings:
                            kv: {kind: test-kv}
                            orders: {kind: test-kv, attributes: {check: fail}}
                        """))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("data binding 'orders' (kind test-kv, function.yaml line 11): check at start"
                        + " failed: connection refused");
        assertThat(LIFE).as("no worker started").noneMatch(line -> line.endsWith(" init"));
        assertThat(LIFE).endsWith("close orders", "close kv");
    }

    @Test
    void shouldFailTheStartWhenInitAsksForABindingThatIsNotDeclared() {
        assertThatThrownBy(() -> start(AsksForMissingBinding.class, "    web: {kind: stub-events}\n", """
                          dataBindings:
                            kv: {kind: test-kv}
                        """))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("worker 0: init failed")
                .hasMessageContaining("no data binding named 'orders' (spec.dataBindings has kv)");
    }

    @Test
    void shouldGiveEachWorkerItsOwnObjectOfAPerWorkerBindingAndCloseItWithTheWorker() throws Exception {
        processor = start(PerWorkerUser.class, "    web: {kind: stub-events, numWorkers: 3}\n", """
                  dataBindings:
                    channel: {kind: test-kv, attributes: {perWorker: true}}
                """);

        List<TestBindings.WorkerHandle> handles = new ArrayList<>(HANDLES.values());
        processor.close();
        processor = null;

        assertThat(handles).hasSize(3);
        assertThat(handles.stream().map(handle -> handle.id).distinct()).hasSize(3);
        assertThat(handles).allMatch(handle -> handle.closed);
        assertThat(LIFE)
                .containsSubsequence("close worker handle channel", "close channel")
                .filteredOn(line -> line.equals("close worker handle channel"))
                .hasSize(3);
    }

    @Test
    void shouldShareTheCacheBetweenWorkersOfDifferentPools() throws Exception {
        processor = start(
                CacheUser.class, "    a: {kind: stub-events}\n    b: {kind: stub-events}\n", "  cache: {ttl: 1m}\n");

        assertThat(call("a", "put greeting hello")).isEqualTo("ok");
        assertThat(call("b", "get greeting")).isEqualTo("hello");
        assertThat(processor.pools()).hasSize(2);
    }

    @Test
    void shouldPublishUserMetricsAndCacheCountsOnMetrics() throws Exception {
        processor = Processor.start(
                settings(CacheUser.class, "    web: {kind: stub-events}\n", "").withAdmin("127.0.0.1", 0));
        call("web", "put k v");
        call("web", "get k");
        call("web", "get missing");

        String metrics = scrape();

        assertThat(metrics)
                .contains("cache_requests_total{function=\"stateful-test\",op=\"get\"} 2.0")
                .contains("cache_gets_total{cache=\"context\",function=\"stateful-test\",result=\"hit\"} 1.0")
                .contains("cache_gets_total{cache=\"context\",function=\"stateful-test\",result=\"miss\"} 1.0");
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    private String call(String trigger, String body) throws InterruptedException {
        BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
        stubDispatcher(trigger).dispatch(BodyAdapter.INSTANCE, body, answered::add);
        EventSlot slot = answered.poll(5, TimeUnit.SECONDS);
        assertThat(slot).as("answered").isNotNull();
        try {
            assertThat(slot.outcome()).as(String.valueOf(slot.error())).isEqualTo(EventOutcome.SUCCESS);
            return StandardCharsets.UTF_8.decode(slot.response().body()).toString();
        } finally {
            slot.release();
        }
    }

    private io.nucleon.runtime.dispatch.EventDispatcher stubDispatcher(String trigger) {
        return ((StubTriggerFactories.StubTrigger) processor.trigger(trigger)).dispatcher();
    }

    private String scrape() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + processor.adminPort() + "/metrics");
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    private static Processor start(Class<?> handler, String triggers, String specExtras) {
        return Processor.start(settings(handler, triggers, specExtras));
    }

    private static ProcessorSettings settings(Class<?> handler, String triggers, String specExtras) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: stateful-test
                spec:
                  handler: %s
                  triggers:
                %s%s""".formatted(handler.getName(), triggers, specExtras);
        return ProcessorSettings.defaults(FunctionConfigLoader.parse(yaml, "function.yaml"), List.of())
                .withAdmin("127.0.0.1", -1)
                .withDrainTimeout(Duration.ofSeconds(5));
    }

    // ---- handler fixtures: public, as the loader needs ----------------------------------------------------

    /** Records its hooks in {@link #LIFE}; with the binding {@code kv} declared, uses it in init. */
    public static final class LifecycleRecorder implements Function {
        private String worker;

        @Override
        public void init(InitContext context) {
            worker = "worker " + context.workerId();
            if (LIFE.contains("create kv")) {
                context.dataBinding("kv", TestBindings.KeyValue.class).put(worker, "ready");
            }
            LIFE.add(worker + " init");
        }

        @Override
        public Response handle(Context context, Event event) {
            LIFE.add(worker + " event");
            return Response.ok("ok");
        }

        @Override
        public void drain() {
            LIFE.add(worker + " drain");
        }

        @Override
        public void close() {
            LIFE.add(worker + " close");
        }
    }

    /** Its first event busy-waits 1.5 s, deaf to interrupts; records that instance's drain and close. */
    public static final class SlowOnce implements Function {
        static final java.util.concurrent.atomic.AtomicBoolean FIRST = new java.util.concurrent.atomic.AtomicBoolean();
        private boolean slow;

        @Override
        public Response handle(Context context, Event event) {
            if (FIRST.compareAndSet(true, false)) {
                slow = true;
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                LIFE.add("slow event returned");
            }
            return Response.ok("ok");
        }

        @Override
        public void drain() {
            if (slow) {
                LIFE.add("slow drain");
            }
        }

        @Override
        public void close() {
            if (slow) {
                LIFE.add("slow close");
            }
        }
    }

    /** Asks in init for a binding function.yaml does not declare. */
    public static final class AsksForMissingBinding implements Function {
        @Override
        public void init(InitContext context) {
            context.dataBinding("orders", TestBindings.KeyValue.class);
        }

        @Override
        public Response handle(Context context, Event event) {
            return Response.ok("never");
        }
    }

    static final Map<Integer, TestBindings.WorkerHandle> HANDLES = new ConcurrentHashMap<>();

    /** Takes its worker's own object of a per-worker binding. */
    public static final class PerWorkerUser implements Function {
        @Override
        public void init(InitContext context) {
            TestBindings.WorkerHandle handle = context.dataBinding("channel", TestBindings.WorkerHandle.class);
            assertThat(context.dataBinding("channel", TestBindings.WorkerHandle.class))
                    .as("the same object for the same worker")
                    .isSameAs(handle);
            HANDLES.put(context.workerId(), handle);
        }

        @Override
        public Response handle(Context context, Event event) {
            return Response.ok("ok");
        }
    }

    /** "put k v" or "get k" on the context cache, counting gets with a user metric. */
    public static final class CacheUser implements Function {
        private FunctionMetrics.Counter gets;

        @Override
        public void init(InitContext context) {
            gets = context.metrics().counter("cache.requests", "op", "get");
        }

        @Override
        public Response handle(Context context, Event event) {
            String[] words = event.bodyString().split(" ");
            if (words[0].equals("put")) {
                context.cache().put(words[1], words[2]);
                return Response.ok("ok");
            }
            gets.increment();
            String value = context.cache().get(words[1]);
            return Response.ok(value == null ? "(none)" : value);
        }
    }
}
