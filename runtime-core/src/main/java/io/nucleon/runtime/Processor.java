package io.nucleon.runtime;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nucleon.config.FunctionConfig;
import io.nucleon.config.TriggerConfig;
import io.nucleon.runtime.admin.AdminServer;
import io.nucleon.runtime.binding.DataBindings;
import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.dispatch.TimeoutWatchdog;
import io.nucleon.runtime.dispatch.WorkerPool;
import io.nucleon.runtime.dispatch.WorkerPoolSettings;
import io.nucleon.runtime.function.FunctionLoader;
import io.nucleon.runtime.function.FunctionLogger;
import io.nucleon.runtime.function.LoadedFunction;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;
import io.nucleon.runtime.state.CaffeineContextCache;
import io.nucleon.runtime.state.FunctionServices;
import io.nucleon.runtime.state.MicrometerFunctionMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One function's processor: worker pools, triggers, the timeout watchdog and the admin endpoint.
 *
 * <pre>{@code
 * try (Processor processor = Processor.start(ProcessorSettings.defaults(config, classpath))) {
 *     ... // events flow
 * } // close() drains gracefully
 * }</pre>
 */
public final class Processor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Processor.class);
    private static final long WATCHDOG_TICK_MS = 2;

    private final ProcessorSettings settings;
    private final FunctionConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NanoClock clock = SystemNanoClock.INSTANCE;
    private final Map<String, WorkerPool> pools = new LinkedHashMap<>();
    private final List<Trigger> triggers = new ArrayList<>();
    private final long startedAtMillis = System.currentTimeMillis();
    private LoadedFunction function;
    private DataBindings bindings = DataBindings.none();
    private FunctionServices services;
    private AgentRunner watchdog;
    private AdminServer admin;
    private volatile ProcessorState state = ProcessorState.STARTING;

    private Processor(ProcessorSettings settings) {
        this.settings = settings;
        this.config = settings.config();
    }

    /**
     * Starts a processor and returns once it is ready.
     *
     * @param settings the function and how to run it
     * @return the ready processor
     * @throws io.nucleon.config.ConfigException when the configuration is invalid
     * @throws IllegalArgumentException when the handler cannot be loaded
     * @throws IllegalStateException when a worker's init fails or a trigger cannot start
     */
    public static Processor start(ProcessorSettings settings) {
        Processor processor = new Processor(settings);
        try {
            processor.startAll();
            return processor;
        } catch (RuntimeException e) {
            processor.closeQuietly();
            throw e;
        }
    }

    private void startAll() {
        TriggerFactories factories = new TriggerFactories(Processor.class.getClassLoader());
        List<TriggerFactory> chosen = new ArrayList<>();
        config.spec().triggers().values().forEach(trigger -> chosen.add(factories.forTrigger(trigger)));
        function = FunctionLoader.load(config.spec().handler(), settings.classpath());
        checkHandlerFitsTriggers(chosen);
        createServices();
        createPools();
        createTriggers(chosen);
        startAdmin(); // /live answers while bindings connect and a slow init (a model, a GPU) runs
        services.bindings().checkAll();
        pools.values().forEach(pool -> pool.start(settings.initTimeout()));
        startWatchdog();
        for (Trigger trigger : triggers) {
            startTrigger(trigger);
        }
        registerProcessorMetrics();
        state = ProcessorState.READY;
        LOG.atInfo()
                .setMessage("processor ready")
                .addKeyValue("function", config.name())
                .addKeyValue("handler", config.spec().handler())
                .addKeyValue("triggers", describeTriggers())
                .addKeyValue("adminPort", adminPort())
                .log();
    }

    /** A trigger with a batch section needs a BatchFunction; one without needs a Function. */
    private void checkHandlerFitsTriggers(List<TriggerFactory> factories) {
        int i = 0;
        for (TriggerConfig trigger : config.spec().triggers().values()) {
            TriggerFactory factory = factories.get(i++);
            String where = "spec.triggers." + trigger.name();
            if (trigger.batch().isPresent() && !factory.supportsBatches()) {
                throw trigger.node()
                        .required("batch")
                        .error("triggers of kind '" + factory.kind() + "' do not take micro-batches; remove 'batch'");
            }
            if (trigger.batch().isPresent() && !function.handlesBatches()) {
                throw new IllegalArgumentException(
                        "spec.handler: class '" + config.spec().handler() + "' must implement "
                                + "io.nucleon.function.BatchFunction, because " + where + " has a batch section");
            }
            if (trigger.batch().isEmpty() && !function.handlesEvents()) {
                throw new IllegalArgumentException(
                        "spec.handler: class '" + config.spec().handler() + "' must implement "
                                + "io.nucleon.function.Function, because " + where + " has no batch section "
                                + "(a BatchFunction gets events only from triggers with one)");
            }
        }
    }

    /** The cache, metrics and data bindings; binding kinds may come with the function's own jars too. */
    private void createServices() {
        Tags tags = Tags.of("function", config.name());
        bindings = DataBindings.create(
                config.spec().dataBindings(), function.classLoader(), System::getenv, config.name(), registry);
        services = new FunctionServices(
                CaffeineContextCache.create(config.spec().cache(), registry, tags),
                new MicrometerFunctionMetrics(registry, tags),
                bindings);
    }

    private void createPools() {
        Map<String, Integer> workersPerPool = new LinkedHashMap<>();
        for (TriggerConfig trigger : config.spec().triggers().values()) {
            workersPerPool.merge(poolName(trigger), trigger.numWorkers(), Math::max);
        }
        workersPerPool.forEach((name, numWorkers) -> {
            WorkerPool pool = new WorkerPool(new WorkerPoolSettings(
                    name,
                    config.name(),
                    numWorkers,
                    Math.max(settings.ringSize(), numWorkers),
                    config.spec().eventTimeout(),
                    function,
                    workerId -> new FunctionLogger(config.name(), workerId),
                    function.classLoader(),
                    clock,
                    config.spec().env(),
                    services));
            pool.registerMetrics(registry);
            pools.put(name, pool);
        });
    }

    private static String poolName(TriggerConfig trigger) {
        return trigger.sharesWorkerPool() ? trigger.workerAllocatorName() : trigger.name();
    }

    private void createTriggers(List<TriggerFactory> factories) {
        int i = 0;
        for (TriggerConfig trigger : config.spec().triggers().values()) {
            TriggerFactory factory = factories.get(i++);
            Tags tags =
                    Tags.of("function", config.name(), "trigger_kind", factory.kind(), "trigger_id", trigger.name());
            EventDispatcher dispatcher = pools.get(poolName(trigger))
                    .dispatcher(factory.kind(), trigger.name(), trigger.workerAvailabilityTimeout(), registry, tags);
            triggers.add(factory.create(new TriggerContext(
                    trigger, config.name(), dispatcher, registry, config.spec().eventTimeout())));
        }
    }

    private void startWatchdog() {
        TimeoutWatchdog agent = new TimeoutWatchdog(new ArrayList<>(pools.values()), clock);
        ErrorHandler errors = t ->
                LOG.atError().setMessage("timeout watchdog failed").setCause(t).log();
        watchdog = new AgentRunner(new SleepingMillisIdleStrategy(WATCHDOG_TICK_MS), errors, null, agent);
        AgentRunner.startOnThread(
                watchdog, r -> Thread.ofPlatform().daemon(true).unstarted(r));
    }

    private void startAdmin() {
        if (settings.adminPort() < 0) {
            return;
        }
        try {
            admin = new AdminServer(
                    settings.adminHost(),
                    settings.adminPort(),
                    this::ready,
                    registry::scrape,
                    () -> StatusDocument.render(this),
                    settings.adminToken());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "admin endpoint: cannot listen on " + settings.adminHost() + ":" + settings.adminPort() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static void startTrigger(Trigger trigger) {
        try {
            trigger.start();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("trigger '" + trigger.name() + "': cannot start: " + e.getMessage(), e);
        }
    }

    private void registerProcessorMetrics() {
        io.micrometer.core.instrument.Gauge.builder(
                        "nucleon_processor_ready", this, p -> p.state == ProcessorState.READY ? 1 : 0)
                .tag("function", config.name())
                .register(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    }

    /**
     * Stops taking events, waits up to the drain timeout for in-flight events to be answered, then closes
     * triggers, workers (each function's {@code close}) and the admin endpoint. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == ProcessorState.STOPPED || state == ProcessorState.DRAINING) {
                return;
            }
            state = ProcessorState.DRAINING;
        }
        LOG.atInfo().setMessage("draining").addKeyValue("inFlight", inFlight()).log();
        for (Trigger trigger : triggers) {
            try {
                trigger.stopAccepting();
            } catch (RuntimeException e) {
                LOG.atWarn()
                        .setMessage("trigger failed to stop accepting; closing it anyway")
                        .addKeyValue("trigger", trigger.name())
                        .setCause(e)
                        .log();
            }
        }
        boolean drained = awaitDrained(settings.drainTimeout());
        if (!drained) {
            LOG.atWarn()
                    .setMessage("drain timeout passed with events in flight")
                    .addKeyValue("inFlight", inFlight())
                    .addKeyValue("drainTimeoutMs", settings.drainTimeout().toMillis())
                    .log();
        }
        closeQuietly();
        LOG.atInfo()
                .setMessage("processor stopped")
                .addKeyValue("function", config.name())
                .log();
    }

    private boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    private void closeQuietly() {
        state = ProcessorState.DRAINING;
        for (Trigger trigger : triggers) {
            try {
                trigger.close();
            } catch (RuntimeException e) {
                LOG.atWarn()
                        .setMessage("trigger close failed")
                        .addKeyValue("trigger", trigger.name())
                        .setCause(e)
                        .log();
            }
        }
        if (watchdog != null) {
            watchdog.close();
        }
        pools.values().forEach(WorkerPool::close);
        bindings.close(); // after every worker's close, which may still flush through them
        if (admin != null) {
            admin.close();
        }
        if (function != null) {
            try {
                function.close();
            } catch (IOException e) {
                LOG.atWarn()
                        .setMessage("closing the function class loader failed")
                        .setCause(e)
                        .log();
            }
        }
        registry.close();
        state = ProcessorState.STOPPED;
    }

    // ---- state -----------------------------------------------------------------------------------------

    /** @return whether the processor is ready and no trigger reports a problem */
    boolean ready() {
        if (state != ProcessorState.READY) {
            return false;
        }
        for (Trigger trigger : triggers) {
            if (trigger.problem().isPresent()) {
                return false;
            }
        }
        return true;
    }

    /** @return where the processor is in its life */
    public ProcessorState state() {
        return state;
    }

    /** @return the function's configuration */
    public FunctionConfig config() {
        return config;
    }

    /** @return the triggers, in function.yaml order */
    public List<Trigger> triggers() {
        return List.copyOf(triggers);
    }

    /**
     * @param name a trigger name from function.yaml
     * @return the trigger
     * @throws IllegalArgumentException when there is no such trigger
     */
    public Trigger trigger(String name) {
        return triggers.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no trigger named '" + name + "'"));
    }

    /** @return the worker pools by name */
    public Map<String, WorkerPool> pools() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    }

    /** @return the data bindings' names and kinds, in function.yaml order (no URLs: they may hold secrets) */
    public Map<String, String> dataBindings() {
        return bindings.kinds();
    }

    /** @return the admin port, or -1 when disabled */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    /** @return the metrics registry (Prometheus) */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return when the processor started, in epoch milliseconds */
    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** @return events queued or running across all pools */
    public int inFlight() {
        int total = 0;
        for (WorkerPool pool : pools.values()) {
            total += pool.inFlight();
        }
        return total;
    }

    private String describeTriggers() {
        StringBuilder text = new StringBuilder();
        for (Trigger trigger : triggers) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(trigger.name()).append('(').append(trigger.kind()).append(')');
            trigger.endpoint().ifPresent(uri -> text.append(' ').append(uri));
        }
        return text.toString();
    }
}
