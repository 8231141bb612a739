package io.nucleon.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * A function's code, staged for a platform to take: a directory holding copied jars and compiled classes, and
 * the function's libraries in {@code lib/}.
 *
 * @param staging the directory
 * @param classpath entries relative to {@code staging}, in classpath order
 * @param source what it was made from, for messages ({@code examples/hello/target/hello.jar})
 * @param defaultName a function name derived from the source, for when none is given
 */
record FunctionCode(Path staging, List<String> classpath, Path source, String defaultName) {

    FunctionCode {
        classpath = List.copyOf(classpath);
    }

    List<Path> absoluteClasspath() {
        return classpath.stream().map(staging::resolve).toList();
    }

    /** @return the function's own classes or jar, without its libraries in {@code lib/} */
    List<Path> ownClasspath() {
        return classpath.stream()
                .filter(entry -> !entry.startsWith("lib/"))
                .map(staging::resolve)
                .toList();
    }
}
