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

    @Override
    public Trigger create(TriggerContext context) {
        MqttTriggerConfig config = MqttTriggerConfig.from(
                context.config().attributes(),
                context.functionName(),
                context.config().name(),
                context.config().numWorkers());
        return new MqttTrigger(context, config);
    }
}
