package io.nucleon.runtime.binding;

import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code test-kv} binding kind for runtime tests, registered under {@code META-INF/services}: an in-memory map
 * that records its life in {@link #EVENTS}. Attributes: {@code check} ({@code ok}, {@code fail}, {@code hang}),
 * {@code perWorker} (a {@link WorkerHandle} per worker instead of the shared {@link KeyValue}).
 */
public final class TestBindings {

    /** What happened, in order: {@code create <name>}, {@code check <name>}, {@code close <name>}, ... */
    public static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());

    /** Releases checks that hang. */
    public static volatile CountDownLatch unblock = new CountDownLatch(1);

    /** The last context each binding got, by name. */
    public static final Map<String, DataBindingContext> CONTEXTS = new ConcurrentHashMap<>();

    private TestBindings() {}

    /** Forgets what earlier tests recorded. */
    public static void reset() {
        EVENTS.clear();
        CONTEXTS.clear();
        unblock = new CountDownLatch(1);
    }

    /** The shared, thread-safe object functions get. */
    public static final class KeyValue {

        private final Map<String, String> values = new ConcurrentHashMap<>();

        /** @return the value of a key, or null */
        public String get(String key) {
            return values.get(key);
        }

        /** Sets a key. */
        public void put(String key, String value) {
            values.put(key, value);
        }
    }

    /** A per-worker object, closed when its worker ends. */
    public static final class WorkerHandle implements AutoCloseable {

        private static final AtomicInteger IDS = new AtomicInteger();

        /** Which handle this is. */
        public final int id = IDS.incrementAndGet();

        private final String binding;
        /** Whether it was closed. */
        public volatile boolean closed;

        WorkerHandle(String binding) {
            this.binding = binding;
        }

        @Override
        public void close() {
            closed = true;
            EVENTS.add("close worker handle " + binding);
        }
    }

    /** The factory of kind {@code test-kv}. */
    public static final class Factory implements DataBindingFactory {

        public Factory() {}

        @Override
        public String kind() {
            return "test-kv";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("test-kv-alias");
        }

        @Override
        public DataBinding create(DataBindingContext context) {
            context.rejectUnknown(List.of("check", "perWorker", "url", "password"));
            String check = context.attributes().string("check", "ok");
            boolean perWorker = context.attributes().bool("perWorker", false);
            CONTEXTS.put(context.name(), context);
            EVENTS.add("create " + context.name());
            return new Binding(context.name(), check, perWorker);
        }
    }

    private static final class Binding implements DataBinding {

        private final String name;
        private final String check;
        private final boolean perWorker;
        private final KeyValue shared = new KeyValue();

        Binding(String name, String check, boolean perWorker) {
            this.name = name;
            this.check = check;
            this.perWorker = perWorker;
        }

        @Override
        public Class<?> type() {
            return perWorker ? WorkerHandle.class : KeyValue.class;
        }

        @Override
        public void check() throws Exception {
            EVENTS.add("check " + name);
            switch (check) {
                case "fail" -> throw new java.io.IOException("connection refused", new IllegalStateException("port 1"));
                case "hang" -> unblock.await();
                default -> {}
            }
        }

        @Override
        public Object forWorker() {
            return perWorker ? new WorkerHandle(name) : shared;
        }

        @Override
        public boolean perWorker() {
            return perWorker;
        }

        @Override
        public void close() {
            EVENTS.add("close " + name);
        }
    }
}
