package io.nucleon.runtime.binding;

import io.micrometer.core.instrument.MeterRegistry;
import io.nucleon.config.ConfigException;
import io.nucleon.config.DataBindingConfig;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor's data bindings: each created (attributes validated, secrets read) and then checked at start, in
 * function.yaml order, and closed in reverse order at shutdown. The first one that cannot be created or does not
 * answer its check stops the start, with an error that names it.
 */
public final class DataBindings implements AutoCloseable {

    /** How long one binding's start-up check may take. */
    public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DataBindings.class);

    private final Map<String, Opened> opened = new LinkedHashMap<>();
    /** Names and kinds, fixed once created: {@code /status} reads them while a shutdown may be closing. */
    private volatile Map<String, String> kinds = Map.of();

    /** A created binding with its configuration, for lookups and messages. */
    private record Opened(DataBindingConfig config, DataBinding binding, ClassLoader loader) {}

    private DataBindings() {}

    /** @return bindings for a function that declares none */
    public static DataBindings none() {
        return new DataBindings();
    }

    /**
     * Creates every binding, without checking them yet (see {@link #checkAll()}).
     *
     * @param configs {@code spec.dataBindings}
     * @param loader where the binding kinds are found
     * @param environment looks up the processor's environment variables, for secrets
     * @param functionName the function's name, for metrics
     * @param registry the processor's metrics registry
     * @return the bindings, not checked yet
     * @throws ConfigException when a binding's kind or attributes are invalid
     * @throws IllegalStateException naming the binding when a secret cannot be read or the client cannot be made
     */
    public static DataBindings create(
            Map<String, DataBindingConfig> configs,
            ClassLoader loader,
            UnaryOperator<String> environment,
            String functionName,
            MeterRegistry registry) {
        DataBindings bindings = new DataBindings();
        if (configs.isEmpty()) {
            return bindings;
        }
        DataBindingFactories factories = new DataBindingFactories(loader);
        Secrets secrets = new Secrets(environment);
        try {
            for (DataBindingConfig config : configs.values()) {
                DataBindingFactory factory = factories.forBinding(config);
                DataBindingContext context =
                        new DataBindingContext(config, functionName, secrets.read(config), registry);
                DataBinding binding = create(factory, context, loader);
                bindings.opened.put(config.name(), new Opened(config, binding, loader));
            }
            Map<String, String> kinds = new LinkedHashMap<>();
            configs.values().forEach(config -> kinds.put(config.name(), config.kind()));
            bindings.kinds = java.util.Collections.unmodifiableMap(kinds);
            return bindings;
        } catch (RuntimeException e) {
            bindings.close();
            throw e;
        }
    }

    /**
     * Checks every binding, in function.yaml order, each within {@link #CHECK_TIMEOUT}.
     *
     * @throws IllegalStateException naming the first binding that does not answer
     */
    public void checkAll() {
        checkAll(CHECK_TIMEOUT);
    }

    void checkAll(Duration timeout) {
        opened.values().forEach(each -> check(each, timeout));
    }

    /**
     * Runs with the function's class loader as the context class loader, so that clients that look classes up
     * through it (JDBC drivers, SASL modules) find those shipped with the function too.
     */
    private static DataBinding create(DataBindingFactory factory, DataBindingContext context, ClassLoader loader) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return factory.create(context);
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(describe(context.config()) + ": cannot create the client: " + reason(e), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void check(Opened opened, Duration timeout) {
        DataBindingConfig config = opened.config();
        DataBinding binding = opened.binding();
        long started = System.nanoTime();
        CompletableFuture<Void> checked = new CompletableFuture<>();
        Thread checker = Thread.ofPlatform()
                .daemon(true)
                .name("nucleon-binding-check-" + config.name())
                .unstarted(() -> {
                    try {
                        binding.check();
                        checked.complete(null);
                    } catch (Throwable t) {
                        checked.completeExceptionally(t);
                    }
                });
        checker.setContextClassLoader(opened.loader());
        checker.start();
        try {
            checked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    describe(config) + ": check at start failed: " + reason(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            checker.interrupt(); // a client that honours interrupts lets its thread and socket go now
            throw new IllegalStateException(describe(config) + ": check at start got no answer within "
                    + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms"));
        } catch (InterruptedException e) {
            checker.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(describe(config) + ": interrupted during its check at start");
        }
        LOG.atInfo()
                .setMessage("data binding ready")
                .addKeyValue("binding", config.name())
                .addKeyValue("kind", config.kind())
                .addKeyValue("checkMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .log();
    }

    private static String describe(DataBindingConfig config) {
        return "data binding '" + config.name() + "' (kind " + config.kind() + ", "
                + config.node().location() + ")";
    }

    /** The exception chain's messages, innermost cause last, without repeats. */
    private static String reason(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < 600; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }

    /**
     * @param name a binding's name
     * @param type the type the function asks for
     * @return the binding, when it has that name and type
     * @throws IllegalArgumentException saying which bindings exist, or what type this one has
     */
    public DataBinding lookup(String name, Class<?> type) {
        Opened found = opened.get(name);
        if (found == null) {
            throw new IllegalArgumentException("no data binding named '" + name + "' (spec.dataBindings has "
                    + (opened.isEmpty() ? "none" : String.join(", ", opened.keySet())) + ")");
        }
        if (!type.isAssignableFrom(found.binding().type())) {
            throw new IllegalArgumentException(
                    "data binding '" + name + "' is of kind " + found.config().kind() + " and gives a "
                            + found.binding().type().getName() + ", not a " + type.getName());
        }
        return found.binding();
    }

    /** @return the bindings' names and kinds, in function.yaml order */
    public Map<String, String> kinds() {
        return kinds;
    }

    /** Closes every binding, the last declared first. Failures are logged. */
    @Override
    public void close() {
        List<Opened> reversed = new ArrayList<>(opened.values());
        java.util.Collections.reverse(reversed);
        opened.clear();
        for (Opened each : reversed) {
            try {
                each.binding().close();
            } catch (Exception e) {
                LOG.atWarn()
                        .setMessage("data binding close failed")
                        .addKeyValue("binding", each.config().name())
                        .setCause(e)
                        .log();
            }
        }
    }
}
