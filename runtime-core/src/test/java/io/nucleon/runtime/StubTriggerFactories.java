package io.nucleon.runtime;

import io.nucleon.runtime.dispatch.EventDispatcher;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/**
 * Trigger kinds for processor tests, registered in test resources under {@code META-INF/services}: {@code
 * stub-events} takes no {@code batch} section, {@code stub-stream} does. Their triggers connect to nothing;
 * a test hands events to the pool through {@link StubTrigger#dispatcher()}. ServiceLoader needs the
 * factories public, with public no-argument constructors.
 */
final class StubTriggerFactories {

    private StubTriggerFactories() {}

    /** Single events only, like HTTP. */
    public static final class Events implements TriggerFactory {

        public Events() {}

        @Override
        public String kind() {
            return "stub-events";
        }

        @Override
        public Trigger create(TriggerContext context) {
            return new StubTrigger(kind(), context);
        }
    }

    /** A stream kind that takes micro-batches, like Kafka. */
    public static final class Stream implements TriggerFactory {

        public Stream() {}

        @Override
        public String kind() {
            return "stub-stream";
        }

        @Override
        public boolean supportsBatches() {
            return true;
        }

        @Override
        public Trigger create(TriggerContext context) {
            return new StubTrigger(kind(), context);
        }
    }

    /** A trigger that only keeps its context. */
    static final class StubTrigger implements Trigger {

        private final String kind;
        private final TriggerContext context;

        StubTrigger(String kind, TriggerContext context) {
            this.kind = kind;
            this.context = context;
        }

        EventDispatcher dispatcher() {
            return context.dispatcher();
        }

        TriggerContext context() {
            return context;
        }

        @Override
        public String name() {
            return context.config().name();
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public void start() {}

        @Override
        public void stopAccepting() {}

        @Override
        public void close() {}
    }
}
