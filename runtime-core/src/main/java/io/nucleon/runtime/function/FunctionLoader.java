package io.nucleon.runtime.function;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.Function;
import io.nucleon.function.Lifecycle;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads a handler class from jars and class directories. The function API comes from the processor's
 * own class loader (the parent), so a function jar may bundle it or not.
 */
public final class FunctionLoader {

    private FunctionLoader() {}

    /**
     * Finds, checks and prepares the handler.
     *
     * @param handler the fully qualified class name from {@code spec.handler}
     * @param classpath jars and directories holding the function's classes; empty to use the processor's
     * @return the loaded function
     * @throws IllegalArgumentException with a message naming the handler and what is wrong with it
     */
    public static LoadedFunction load(String handler, List<Path> classpath) {
        ClassLoader loader = classLoader(classpath);
        Class<?> type;
        try {
            type = Class.forName(handler, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "spec.handler: class '" + handler + "' not found on the function classpath "
                            + (classpath.isEmpty() ? "(none given: pass --classpath)" : describe(classpath)));
        } catch (LinkageError e) {
            throw new IllegalArgumentException("spec.handler: class '" + handler + "' cannot be loaded: " + e, e);
        }
        if (!Function.class.isAssignableFrom(type) && !BatchFunction.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("spec.handler: class '" + handler + "' implements neither "
                    + Function.class.getName() + " nor " + BatchFunction.class.getName());
        }
        int modifiers = type.getModifiers();
        if (Modifier.isAbstract(modifiers) || type.isInterface() || !Modifier.isPublic(modifiers)) {
            throw new IllegalArgumentException(
                    "spec.handler: class '" + handler + "' must be a public, concrete class");
        }
        try {
            if (!Modifier.isPublic(type.getDeclaredConstructor().getModifiers())) {
                throw new NoSuchMethodException();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(
                    "spec.handler: class '" + handler + "' needs a public no-argument constructor");
        }
        return new LoadedFunction(type.asSubclass(Lifecycle.class), loader);
    }

    private static ClassLoader classLoader(List<Path> classpath) {
        if (classpath.isEmpty()) {
            return FunctionLoader.class.getClassLoader();
        }
        List<URL> urls = new ArrayList<>();
        for (Path entry : classpath) {
            if (!Files.exists(entry)) {
                throw new IllegalArgumentException("function classpath entry does not exist: " + entry);
            }
            try {
                urls.add(entry.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("function classpath entry is not a valid path: " + entry, e);
            }
        }
        return new URLClassLoader("function", urls.toArray(URL[]::new), FunctionLoader.class.getClassLoader());
    }

    private static String describe(List<Path> classpath) {
        return classpath.stream().map(Path::toString).collect(Collectors.joining(":", "[", "]"));
    }
}
