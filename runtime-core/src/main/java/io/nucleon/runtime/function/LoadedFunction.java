package io.nucleon.runtime.function;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.Function;
import io.nucleon.function.Lifecycle;
import io.nucleon.runtime.dispatch.FunctionFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URLClassLoader;

/**
 * A handler class found and checked by {@link FunctionLoader}, able to make one instance per worker.
 *
 * @param handlerClass the class implementing {@link Function}, {@link BatchFunction} or both
 * @param classLoader the loader that holds the function's classes
 */
public record LoadedFunction(Class<? extends Lifecycle> handlerClass, ClassLoader classLoader)
        implements FunctionFactory, AutoCloseable {

    /** @return whether the handler takes single events ({@link Function}) */
    public boolean handlesEvents() {
        return Function.class.isAssignableFrom(handlerClass);
    }

    /** @return whether the handler takes micro-batches ({@link BatchFunction}) */
    public boolean handlesBatches() {
        return BatchFunction.class.isAssignableFrom(handlerClass);
    }

    @Override
    public Lifecycle create() throws ReflectiveOperationException {
        Constructor<? extends Lifecycle> constructor = handlerClass.getDeclaredConstructor();
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(
                    "constructor of " + handlerClass.getName() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Closes the function's class loader when it is one of ours. */
    @Override
    public void close() throws java.io.IOException {
        if (classLoader instanceof URLClassLoader urls && classLoader != FunctionLoader.class.getClassLoader()) {
            urls.close();
        }
    }
}
