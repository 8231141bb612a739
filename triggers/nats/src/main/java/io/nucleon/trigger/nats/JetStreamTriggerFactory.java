package io.nucleon.trigger.nats;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/**
 * Creates {@code natsjetstream} triggers: a JetStream durable pull consumer, acknowledged after the
 * function succeeds (Nuclio's kind name).
 */
public final class JetStreamTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "natsjetstream";

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
        JetStreamTriggerConfig config = JetStreamTriggerConfig.from(
                context.config().attributes(), context.config().numWorkers());
        if (config.ordered() && context.config().batch().isPresent()) {
            throw context.config()
                    .attributes()
                    .required("ordered")
                    .error("cannot be combined with a batch section: order per subject needs one message at a time");
        }
        return new JetStreamTrigger(context, config);
    }
}
