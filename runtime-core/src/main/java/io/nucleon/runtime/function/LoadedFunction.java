package io.nucleon.runtime.function;

import io.nucleon.function.Function;
import io.nucleon.runtime.dispatch.FunctionFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URLClassLoader;

/**
 * A handler class found and checked by {@link FunctionLoader}, able to make one instance per worker.
 *
 * @param handlerClass the class implementing {@link Function}
 * @param classLoader the loader that holds the function's classes
 */
public record LoadedFunction(Class<? extends Function> handlerClass, ClassLoader classLoader)
        implements FunctionFactory, AutoCloseable {

    @Override
    public Function create() throws ReflectiveOperationException {
        Constructor<? extends Function> constructor = handlerClass.getDeclaredConstructor();
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
