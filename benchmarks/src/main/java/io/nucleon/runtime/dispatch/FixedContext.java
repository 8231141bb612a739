package io.nucleon.runtime.dispatch;

import io.nucleon.function.Context;
import io.nucleon.function.Logger;

/** The baseline's per-worker context, like Nucleon's own: created once, reused for every event. */
final class FixedContext implements Context {

    private final Logger logger;
    private final int workerId;
    private Object userData;

    FixedContext(Logger logger, int workerId) {
        this.logger = logger;
        this.workerId = workerId;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public int workerId() {
        return workerId;
    }

    @Override
    public String functionName() {
        return NoOpFunction.NAME;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T userData() {
        return (T) userData;
    }

    @Override
    public void userData(Object value) {
        this.userData = value;
    }

    @Override
    public String triggerKind() {
        return "bench";
    }

    @Override
    public String triggerName() {
        return "bench";
    }
}
