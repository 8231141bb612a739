package io.nucleon.trigger.rabbitmq;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;
import java.util.Set;

/** Creates {@code rabbit-mq} triggers (Nuclio's kind name; {@code rabbitmq} is accepted too). */
public final class RabbitTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "rabbit-mq";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> aliases() {
        return Set.of("rabbitmq");
    }

    /** A {@code batch} section hands messages to a {@code BatchFunction}; each is still settled on its own. */
    @Override
    public boolean supportsBatches() {
        return true;
    }

    @Override
    public Trigger create(TriggerContext context) {
        RabbitTriggerConfig config = RabbitTriggerConfig.from(
                context.config().attributes(),
                context.functionName(),
                context.config().name(),
                context.config().numWorkers());
        return new RabbitTrigger(context, config);
    }
}
