package io.nucleon.trigger.http;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/** Creates {@code http} triggers. */
public final class HttpTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "http";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Trigger create(TriggerContext context) {
        return new HttpTrigger(context, HttpTriggerConfig.from(context.config().attributes()));
    }
}
