package io.nucleon.binding.redis;

import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.runtime.spi.DataBindingFactory;

/** Creates {@code redis} data bindings: functions fetch them as {@link RedisBinding}. */
public final class RedisBindingFactory implements DataBindingFactory {

    /** The kind name: {@value}. */
    public static final String KIND = "redis";

    @Override
    public String kind() {
        return KIND;
    }

    /** Validates the attributes and builds the pooled client without connecting; the check connects. */
    @Override
    public DataBinding create(DataBindingContext context) {
        RedisBindingConfig config = RedisBindingConfig.from(context);
        return new RedisDataBinding(context.name(), clientName(context), config);
    }

    /**
     * @param context the binding's context
     * @return the name its connections show in {@code CLIENT LIST}: {@code nucleon:<function>:<binding>}
     */
    static String clientName(DataBindingContext context) {
        // Both names are letters, digits and '-', '_', '.' (function.yaml rules), which CLIENT SETNAME accepts.
        return "nucleon:" + context.functionName() + ":" + context.name();
    }
}
