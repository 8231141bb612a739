package io.nucleon.trigger.kafka;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;
import java.util.Set;

/** Creates {@code kafka-cluster} triggers (Nuclio's kind name; {@code kafka} is accepted too). */
public final class KafkaTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "kafka-cluster";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> aliases() {
        return Set.of("kafka");
    }

    @Override
    public boolean supportsBatches() {
        return true;
    }

    @Override
    public Trigger create(TriggerContext context) {
        KafkaTriggerConfig config = KafkaTriggerConfig.from(
                context.config().attributes(), context.config().batch());
        return new KafkaTrigger(context, config);
    }
}
