package io.nucleon.runtime.dispatch;

import io.nucleon.function.Context;
import io.nucleon.function.ContextCache;
import io.nucleon.function.FunctionMetrics;
import io.nucleon.function.Logger;
import io.nucleon.runtime.spi.DataBinding;
import io.nucleon.runtime.state.FunctionServices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * One worker's {@link Context}: reused for every event, pointed at the current event's trigger. Only its worker's
 * thread touches it, so the data bindings it has handed out are remembered without locking.
 */
final class WorkerContext implements Context {

    private final Logger logger;
    private final int workerId;
    private final String functionName;
    private final Map<String, String> env;
    private final FunctionServices services;
    private final Map<String, Object> bindings = new HashMap<>();
    private final List<AutoCloseable> ownBindings = new ArrayList<>();
    private Object userData;
    private EventDispatcher current;

    WorkerContext(
            Logger logger, int workerId, String functionName, Map<String, String> env, FunctionServices services) {
        this.logger = logger;
        this.workerId = workerId;
        this.functionName = functionName;
        this.env = env;
        this.services = services;
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
    public ContextCache cache() {
        return services.cache();
    }

    @Override
    public FunctionMetrics metrics() {
        return services.metrics();
    }

    @Override
    public <T> T dataBinding(String name, Class<T> type) {
        Object known = bindings.get(name);
        if (known == null) {
            DataBinding binding = services.bindings().lookup(name, type);
            known = binding.forWorker();
            bindings.put(name, known);
            if (binding.perWorker() && known instanceof AutoCloseable closeable) {
                ownBindings.add(closeable);
            }
        }
        if (!type.isInstance(known)) {
            services.bindings().lookup(name, type); // throws, naming the binding's type
        }
        return type.cast(known);
    }

    /** Closes the binding objects made for this worker alone (after the function's close). */
    void closeOwnBindings() {
        for (AutoCloseable each : ownBindings) {
            try {
                each.close();
            } catch (Exception e) {
                LoggerFactory.getLogger(WorkerContext.class)
                        .atWarn()
                        .setMessage("closing a worker's data binding failed")
                        .addKeyValue("worker", workerId)
                        .setCause(e)
                        .log();
            }
        }
        ownBindings.clear();
        bindings.clear();
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
