package io.nucleon.runtime.function;

import io.nucleon.function.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The {@link Logger} a function gets: SLF4J underneath, key/value pairs as structured fields, every line
 * tagged with the function's name and the worker id.
 */
public final class FunctionLogger implements Logger {

    private final org.slf4j.Logger delegate;
    private final String functionName;
    private final int workerId;

    /**
     * @param functionName the function's name
     * @param workerId the worker's index
     */
    public FunctionLogger(String functionName, int workerId) {
        this.delegate = org.slf4j.LoggerFactory.getLogger("function." + functionName);
        this.functionName = functionName;
        this.workerId = workerId;
    }

    @Override
    public void debug(String message, Object... keyValues) {
        log(Level.DEBUG, message, keyValues);
    }

    @Override
    public void info(String message, Object... keyValues) {
        log(Level.INFO, message, keyValues);
    }

    @Override
    public void warn(String message, Object... keyValues) {
        log(Level.WARN, message, keyValues);
    }

    @Override
    public void error(String message, Object... keyValues) {
        log(Level.ERROR, message, keyValues);
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate.isDebugEnabled();
    }

    private void log(Level level, String message, Object[] keyValues) {
        if (!delegate.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder event = delegate.atLevel(level)
                .setMessage(message)
                .addKeyValue("function", functionName)
                .addKeyValue("worker", workerId);
        int pairs = keyValues.length;
        if (pairs > 0 && keyValues[pairs - 1] instanceof Throwable cause) {
            event.setCause(cause);
            pairs--;
        }
        for (int i = 0; i + 1 < pairs; i += 2) {
            event.addKeyValue(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        if (pairs % 2 == 1) {
            event.addKeyValue("extra", keyValues[pairs - 1]);
        }
        event.log();
    }
}
