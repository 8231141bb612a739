package io.nucleon.cli;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.Function;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Checks the handler class before anything is deployed, and finds it when {@code --handler} is not
 * given. Classes are loaded without being initialised, so no function code runs in the CLI.
 */
final class HandlerScanner implements AutoCloseable {

    private final List<Path> searched;
    private final URLClassLoader loader;

    /**
     * @param classpath where classes are loaded from
     * @param searched the entries {@link #find} looks for a handler in: the function's own code, not the
     *     libraries it uses (which may hold functions of their own, and many classes)
     */
    HandlerScanner(List<Path> classpath, List<Path> searched) {
        this.searched = List.copyOf(searched);
        this.loader = new URLClassLoader(
                classpath.stream().map(HandlerScanner::url).toArray(URL[]::new), HandlerScanner.class.getClassLoader());
    }

    /** Fails with a one-line error unless {@code handler} is a class implementing Function or BatchFunction. */
    void verify(String handler, Object where) {
        Class<?> type;
        try {
            type = Class.forName(handler, false, loader);
        } catch (ClassNotFoundException e) {
            throw CliException.badInput("handler class '" + handler + "' not found in " + where);
        } catch (LinkageError e) {
            throw CliException.badInput("handler class '" + handler + "' cannot be loaded: " + e);
        }
        if (!isHandler(type)) {
            throw CliException.badInput("handler class '" + handler + "' does not implement "
                    + Function.class.getName() + " or " + BatchFunction.class.getName()
                    + " (or is abstract or an interface)");
        }
    }

    /** @return the one handler class in the classpath; fails when there are none or several */
    String find(Object where) {
        List<String> handlers = new ArrayList<>();
        for (String className : classNames()) {
            try {
                if (isHandler(Class.forName(className, false, loader))) {
                    handlers.add(className);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // a class whose dependencies are missing cannot be the handler the processor would load
            }
        }
        if (handlers.isEmpty()) {
            throw CliException.badInput("no class implementing " + Function.class.getName() + " or "
                    + BatchFunction.class.getSimpleName() + " found in " + where + "; name one with --handler");
        }
        if (handlers.size() > 1) {
            throw CliException.badInput("several handler classes in " + where + " (" + String.join(", ", handlers)
                    + "); choose one with --handler");
        }
        return handlers.getFirst();
    }

    private static boolean isHandler(Class<?> type) {
        return (Function.class.isAssignableFrom(type) || BatchFunction.class.isAssignableFrom(type))
                && !type.isInterface()
                && !Modifier.isAbstract(type.getModifiers())
                && Modifier.isPublic(type.getModifiers());
    }

    private List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (Path entry : searched) {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> files = Files.walk(entry)) {
                    files.map(f -> entry.relativize(f).toString()).forEach(f -> addClass(names, f));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + entry, e);
                }
            } else if (Files.isRegularFile(entry)) {
                try (JarFile jar = new JarFile(entry.toFile())) {
                    jar.stream().forEach(e -> addClass(names, e.getName()));
                } catch (IOException e) {
                    throw CliException.badInput("'" + entry + "' is not a readable jar: " + e.getMessage());
                }
            }
        }
        return names;
    }

    private static void addClass(List<String> names, String file) {
        if (file.endsWith(".class")
                && !file.endsWith("module-info.class")
                && !file.endsWith("package-info.class")
                && !file.startsWith("META-INF/")) {
            names.add(file.substring(0, file.length() - ".class".length())
                    .replace('/', '.')
                    .replace('\\', '.'));
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
