package io.nucleon.trigger.mqtt;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/** Creates {@code mqtt} triggers (Nuclio's kind name). */
public final class MqttTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "mqtt";

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
        MqttTriggerConfig config = MqttTriggerConfig.from(
                context.config().attributes(),
                context.functionName(),
                context.config().name(),
                context.config().numWorkers());
        if (config.ordered() && context.config().batch().isPresent()) {
            throw context.config()
                    .attributes()
                    .required("ordered")
                    .error("cannot be combined with a batch section: order per topic needs one message at a time");
        }
        return new MqttTrigger(context, config);
    }
}
