package io.nucleon.trigger.cron;

import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import io.nucleon.runtime.spi.TriggerFactory;

/** Creates {@code cron} triggers. */
public final class CronTriggerFactory implements TriggerFactory {

    /** The kind name: {@value}, Nuclio's. */
    public static final String KIND = "cron";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Trigger create(TriggerContext context) {
        return new CronTrigger(context, CronTriggerConfig.from(context.config().attributes()));
    }
}
