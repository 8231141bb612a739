package io.nucleon.runtime.dispatch;

import io.nucleon.function.Context;
import io.nucleon.function.Logger;
import java.util.Map;

/** One worker's {@link Context}: reused for every event, pointed at the current event's trigger. */
final class WorkerContext implements Context {

    private final Logger logger;
    private final int workerId;
    private final String functionName;
    private final Map<String, String> env;
    private Object userData;
    private EventDispatcher current;

    WorkerContext(Logger logger, int workerId, String functionName, Map<String, String> env) {
        this.logger = logger;
        this.workerId = workerId;
        this.functionName = functionName;
        this.env = env;
    }

    @Override
    public String env(String name) {
        String value = env.get(name);
        return value != null ? value : System.getenv(name);
    }

    WorkerContext bind(EventDispatcher dispatcher) {
        this.current = dispatcher;
        return this;
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
        return functionName;
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
        return current == null ? "" : current.triggerKind();
    }

    @Override
    public String triggerName() {
        return current == null ? "" : current.triggerName();
    }
}
