package io.nucleon.runtime.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import io.nucleon.runtime.function.FunctionLogger;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Starting, closing and sizing a pool. */
class WorkerPoolTest {

    private final ManualNanoClock clock = new ManualNanoClock();
    private final List<WorkerPool> pools = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> cleanups = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable cleanup : cleanups) {
            cleanup.close();
        }
        pools.forEach(WorkerPool::close);
    }

    private WorkerPool pool(int numWorkers, FunctionFactory factory) {
        return pool(numWorkers, factory, getClass().getClassLoader());
    }

    private WorkerPool pool(int numWorkers, FunctionFactory factory, ClassLoader loader) {
        WorkerPool pool = new WorkerPool(new WorkerPoolSettings(
                "pool",
                "fn",
                numWorkers,
                Math.max(4, numWorkers),
                Duration.ofSeconds(1),
                factory,
                i -> new FunctionLogger("fn", i),
                loader,
                clock));
        pools.add(pool);
        return pool;
    }

    @Test
    void shouldRejectSettingsWithoutWorkers() {
        assertThatThrownBy(() -> new WorkerPoolSettings(
                        "pool", "fn", 0, 4, Duration.ofSeconds(1), Probe::new, i -> null, null, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numWorkers must be at least 1, got 0");
    }

    @Test
    void shouldRejectRingSmallerThanWorkerCount() {
        assertThatThrownBy(() -> new WorkerPoolSettings(
                        "pool", "fn", 4, 3, Duration.ofSeconds(1), Probe::new, i -> null, null, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ringSize must be at least numWorkers, got 3");
    }

    @Test
    void shouldInitEveryWorkerBeforeStartReturns() {
        Probes probes = new Probes();
        WorkerPool pool = pool(3, probes);

        pool.start(Duration.ofSeconds(5));

        assertThat(probes.all).hasSize(3).allSatisfy(probe -> assertThat(probe.inits)
                .hasValue(1));
        assertThat(probes.all).extracting(probe -> probe.workerId).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(pool.numWorkers()).isEqualTo(3);
        assertThat(pool.busyWorkers()).isZero();
        assertThat(pool.inFlight()).isZero();
        assertThat(pool.name()).isEqualTo("pool");
    }

    @Test
    void shouldFailStartNamingWorkerAndCauseWhenInitFails() {
        IllegalStateException unreachable = new IllegalStateException("database unreachable");
        Probes probes = new Probes();
        probes.failInitOfWorker = 1;
        probes.initFailure = unreachable;
        WorkerPool pool = pool(3, probes);

        assertThatThrownBy(() -> pool.start(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "function 'fn' worker 1: init failed: java.lang.IllegalStateException: database unreachable")
                .hasCause(unreachable);

        assertThat(probes.all).hasSize(3).allSatisfy(probe -> assertThat(probe.closes)
                .hasValue(1));
        assertThat(pool.isRunning()).isFalse();
    }

    @Test
    void shouldFailStartWhenHandlerCannotBeCreated() {
        WorkerPool pool = pool(2, () -> {
            throw new InstantiationException("abstract handler");
        });

        assertThatThrownBy(() -> pool.start(Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("function 'fn': cannot create handler instance: "
                        + "java.lang.InstantiationException: abstract handler")
                .hasCauseInstanceOf(InstantiationException.class);
    }

    @Test
    void shouldStartNoWorkerWhenALaterHandlerCannotBeCreated() {
        Probes probes = new Probes();
        probes.failCreateAfter = 1;
        WorkerPool pool = pool(2, probes);

        assertThatThrownBy(() -> pool.start(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class);

        assertThat(pool.isRunning()).isFalse();
        assertThat(probes.all.get(0).inits).as("worker 0 was never started").hasValue(0);
        assertThat(pool.busyWorkers()).isZero();
    }

    @Test
    void shouldCloseEveryWorkersFunctionOnClose() {
        Probes probes = new Probes();
        WorkerPool pool = pool(3, probes);
        pool.start(Duration.ofSeconds(5));

        pool.close();

        assertThat(probes.all).hasSize(3).allSatisfy(probe -> assertThat(probe.closes)
                .hasValue(1));
        assertThat(pool.isRunning()).isFalse();
    }

    @Test
    void shouldKeepClosingWhenFunctionCloseThrows() {
        Probes probes = new Probes();
        probes.failClose = true;
        WorkerPool pool = pool(2, probes);
        pool.start(Duration.ofSeconds(5));

        pool.close();
        pool.close();

        assertThat(probes.all).hasSize(2).allSatisfy(probe -> assertThat(probe.closes)
                .hasValue(1));
    }

    @Test
    void shouldCloseNeverStartedPool() {
        WorkerPool pool = pool(2, new Probes());

        pool.close();

        assertThat(pool.isRunning()).isFalse();
    }

    @Test
    void shouldAnswerEventsStillQueuedAtCloseWithNoWorker() throws Exception {
        ScriptedFunctions functions = new ScriptedFunctions();
        cleanups.add(functions::openGate);
        WorkerPool pool = pool(1, functions);
        BytesAdapter adapter = new BytesAdapter();
        BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
        EventDispatcher dispatcher =
                pool.dispatcher("test", "t1", Duration.ofHours(1), new SimpleMeterRegistry(), Tags.empty());
        pool.start(Duration.ofSeconds(5));
        byte[] running = PoolHarness.bytes("block running");
        byte[] queued = PoolHarness.bytes("queued");
        dispatcher.dispatch(adapter, running, answered::add);
        functions.awaitStarted("block running");
        dispatcher.dispatch(adapter, queued, answered::add);

        Thread closer = Thread.ofPlatform().start(pool::close);
        Await.await(() -> !pool.isRunning(), "pool marked as stopping");
        functions.openGate();
        closer.join(5_000);

        assertThat(closer.isAlive()).isFalse();
        EventSlot first = answered.poll(5, TimeUnit.SECONDS);
        EventSlot second = answered.poll(5, TimeUnit.SECONDS);
        assertThat(first.outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(second.outcome()).isEqualTo(EventOutcome.NO_WORKER);
        assertThat(second.attachment()).isSameAs(queued);
        assertThat(answered).isEmpty();
        assertThat(functions.handled).containsExactly("block running");
        first.release();
        second.release();
        assertThat(adapter.releases(running)).isEqualTo(1);
        assertThat(adapter.releases(queued)).isEqualTo(1);
        assertThat(pool.inFlight()).isZero();
    }

    @Test
    void shouldNotAnswerAgainAtCloseAnEventTheWatchdogAnswered() throws Exception {
        ScriptedFunctions functions = new ScriptedFunctions();
        cleanups.add(functions::openGate);
        WorkerPool pool = pool(1, functions);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BytesAdapter adapter = new BytesAdapter();
        BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
        EventDispatcher dispatcher = pool.dispatcher("test", "t1", Duration.ofMillis(100), registry, Tags.empty());
        pool.start(Duration.ofSeconds(5));
        dispatcher.dispatch(adapter, PoolHarness.bytes("block running"), answered::add);
        functions.awaitStarted("block running");
        dispatcher.dispatch(adapter, PoolHarness.bytes("queued"), answered::add);
        clock.advance(Duration.ofMillis(101));
        assertThat(new TimeoutWatchdog(List.of(pool), clock).doWork()).isEqualTo(1);
        assertThat(answered.poll(5, TimeUnit.SECONDS).outcome()).isEqualTo(EventOutcome.NO_WORKER);

        Thread closer = Thread.ofPlatform().start(pool::close);
        Await.await(() -> !pool.isRunning(), "pool marked as stopping");
        functions.openGate();
        closer.join(5_000);

        assertThat(answered.poll(5, TimeUnit.SECONDS).outcome()).isEqualTo(EventOutcome.SUCCESS);
        assertThat(answered).as("no second answer for the refused event").isEmpty();
        assertThat(registry.get("nuclio_processor_worker_allocation")
                        .tags("result", "error_timeout")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldReportReplacementWorkerWhoseInitFails() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger dispatchLogger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.nucleon.runtime.dispatch");
        dispatchLogger.addAppender(logs);
        cleanups.add(() -> dispatchLogger.detachAppender(logs));
        ScriptedFunctions functions = new ScriptedFunctions();
        cleanups.add(functions::openGate);
        FunctionFactory secondInitFails = () -> {
            Function made = functions.create();
            if (functions.instances.size() == 1) {
                return made;
            }
            return new Function() {
                @Override
                public void init(InitContext context) {
                    throw new IllegalStateException("cannot reconnect");
                }

                @Override
                public Response handle(Context context, Event event) {
                    return Response.noContent();
                }
            };
        };
        WorkerPool pool = pool(1, secondInitFails);
        EventDispatcher dispatcher =
                pool.dispatcher("test", "t1", Duration.ofHours(1), new SimpleMeterRegistry(), Tags.empty());
        pool.start(Duration.ofSeconds(5));
        BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
        dispatcher.dispatch(new BytesAdapter(), PoolHarness.bytes("block stuck"), answered::add);
        functions.awaitStarted("block stuck");
        clock.advance(Duration.ofSeconds(2));
        new TimeoutWatchdog(List.of(pool), clock).doWork();
        assertThat(answered.poll(5, TimeUnit.SECONDS).outcome()).isEqualTo(EventOutcome.TIMEOUT);
        assertThat(logs.list).as("the appender sees the pool's logs").anyMatch(e -> e.getFormattedMessage()
                .contains("replacing the worker"));

        Await.await(
                () -> logs.list.stream()
                        .anyMatch(e -> e.getLevel() == Level.ERROR
                                && e.getFormattedMessage().contains("worker")),
                Duration.ofSeconds(2),
                "an error logged for the replacement that failed to init");
    }

    @Test
    void shouldSetFunctionClassLoaderAsWorkersContextClassLoader() throws Exception {
        try (URLClassLoader functionLoader =
                new URLClassLoader("fn", new URL[0], getClass().getClassLoader())) {
            ScriptedFunctions functions = new ScriptedFunctions();
            WorkerPool pool = pool(1, functions, functionLoader);
            BlockingQueue<EventSlot> answered = new LinkedBlockingQueue<>();
            EventDispatcher dispatcher =
                    pool.dispatcher("test", "t1", Duration.ofHours(1), new SimpleMeterRegistry(), Tags.empty());
            pool.start(Duration.ofSeconds(5));

            dispatcher.dispatch(new BytesAdapter(), PoolHarness.bytes("which loader"), answered::add);

            answered.poll(5, TimeUnit.SECONDS).release();
            assertThat(functions.instances.get(0).contextClassLoader).isSameAs(functionLoader);
            pool.close();
        }
    }

    @Test
    void shouldRegisterPoolGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerPool pool = pool(3, new Probes());

        pool.registerMetrics(registry);

        Tags tags = Tags.of("function", "fn", "pool", "pool");
        assertThat(registry.get("nucleon_worker_pool_workers")
                        .tags(tags)
                        .gauge()
                        .value())
                .isEqualTo(3.0);
        assertThat(registry.get("nucleon_worker_pool_ring_capacity")
                        .tags(tags)
                        .gauge()
                        .value())
                .isEqualTo(4.0);
        assertThat(registry.get("nucleon_worker_pool_busy_workers")
                        .tags(tags)
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("nucleon_worker_pool_queued_events")
                        .tags(tags)
                        .gauge()
                        .value())
                .isZero();
    }

    /** A function that counts its lifecycle calls and fails where told. */
    static final class Probe implements Function {

        final AtomicInteger inits = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private final Probes probes;
        volatile int workerId = -1;

        Probe() {
            this(new Probes());
        }

        Probe(Probes probes) {
            this.probes = probes;
        }

        @Override
        public void init(InitContext context) {
            inits.incrementAndGet();
            workerId = context.workerId();
            if (context.workerId() == probes.failInitOfWorker) {
                throw probes.initFailure;
            }
        }

        @Override
        public Response handle(Context context, Event event) {
            return Response.noContent();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            if (probes.failClose) {
                throw new IllegalStateException("close failed");
            }
        }
    }

    /** Makes {@link Probe}s and keeps them. */
    static final class Probes implements FunctionFactory {

        final List<Probe> all = new CopyOnWriteArrayList<>();
        volatile int failInitOfWorker = -1;
        volatile RuntimeException initFailure;
        volatile int failCreateAfter = Integer.MAX_VALUE;
        volatile boolean failClose;

        @Override
        public Function create() throws Exception {
            if (all.size() >= failCreateAfter) {
                throw new InstantiationException("no more instances");
            }
            Probe probe = new Probe(this);
            all.add(probe);
            return probe;
        }
    }
}
