package io.nucleon.trigger.kinesis;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/** Creates {@code kinesis} triggers (Nuclio's kind name). */
public final class KinesisTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "kinesis";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean supportsBatches() {
        return true;
    }

    @Override
    public Trigger create(TriggerContext context) {
        KinesisTriggerConfig config = KinesisTriggerConfig.from(
                context.config().attributes(), context.config().batch());
        return new KinesisTrigger(context, config);
    }
}
