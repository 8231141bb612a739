package io.nucleon.trigger.nats;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/** Creates {@code nats} triggers: core NATS subjects, at most once (Nuclio's kind name). */
public final class NatsTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "nats";

    @Override
    public String kind() {
        return KIND;
    }

    /** A {@code batch} section hands messages to a {@code BatchFunction}; each is still settled on its own. */
    @Override
    public boolean supportsBatches() {
        return true;
    }

    @Override
    public Trigger create(TriggerContext context) {
        NatsTriggerConfig config = NatsTriggerConfig.from(
                context.config().attributes(), context.config().numWorkers());
        return new NatsTrigger(context, config);
    }
}
