package io.nucleon.runtime.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionLoaderTest {

    @TempDir
    static Path work;

    private static Path classes;
    private static Path jar;
    private static Path jarWithOwnApi;
    private static Path jarWithoutSuperclass;

    /** Compiles a small function (and a class it needs) against the function API, and jars it three ways. */
    @BeforeAll
    static void buildFunctionJars() throws IOException {
        Path sources = work.resolve("src/demo");
        Files.createDirectories(sources);
        Files.writeString(sources.resolve("JarGreeter.java"), """
                package demo;

                import io.nucleon.function.Context;
                import io.nucleon.function.Event;
                import io.nucleon.function.Function;
                import io.nucleon.function.Response;

                public final class JarGreeter implements Function {
                    @Override
                    public Response handle(Context context, Event event) {
                        return Response.ok(Greetings.greet("jar"));
                    }
                }
                """);
        Files.writeString(sources.resolve("Greetings.java"), """
                package demo;

                final class Greetings {
                    static String greet(String who) {
                        return "hello from " + who;
                    }
                }
                """);
        Files.writeString(sources.resolve("MissingBase.java"), """
                package demo;

                public abstract class MissingBase {}
                """);
        Files.writeString(sources.resolve("Orphan.java"), """
                package demo;

                import io.nucleon.function.Context;
                import io.nucleon.function.Event;
                import io.nucleon.function.Function;
                import io.nucleon.function.Response;

                public final class Orphan extends MissingBase implements Function {
                    @Override
                    public Response handle(Context context, Event event) {
                        return Response.noContent();
                    }
                }
                """);
        classes = work.resolve("classes");
        compile(sources, classes);

        jar = work.resolve("greeter.jar");
        writeJar(jar, classes, "demo/JarGreeter.class", "demo/Greetings.class");
        jarWithOwnApi = work.resolve("greeter-with-api.jar");
        writeJar(jarWithOwnApi, classes, "demo/JarGreeter.class", "demo/Greetings.class");
        addApiCopy(jarWithOwnApi);
        jarWithoutSuperclass = work.resolve("orphan.jar");
        writeJar(jarWithoutSuperclass, classes, "demo/Orphan.class");
    }

    @Test
    void shouldLoadHandlerFromProcessorsClassLoaderWhenClasspathIsEmpty() throws Exception {
        LoadedFunction loaded = FunctionLoader.load(Greeter.class.getName(), List.of());

        assertThat(loaded.handlerClass()).isSameAs(Greeter.class);
        assertThat(loaded.classLoader()).isSameAs(FunctionLoader.class.getClassLoader());
        Function first = (Function) loaded.create();
        Function second = (Function) loaded.create();
        assertThat(first).isInstanceOf(Greeter.class).isNotSameAs(second);
        assertThat(first.handle(null, null).bodySize()).isEqualTo(5);
        loaded.close();
    }

    @Test
    void shouldLoadHandlerThatImplementsOnlyBatchFunction() throws Exception {
        LoadedFunction loaded = FunctionLoader.load(BatchGreeter.class.getName(), List.of());

        assertThat(loaded.handlerClass()).isSameAs(BatchGreeter.class);
        assertThat(loaded.handlesBatches()).isTrue();
        assertThat(loaded.handlesEvents()).isFalse();
        assertThat(loaded.create()).isInstanceOf(BatchFunction.class).isNotInstanceOf(Function.class);
        loaded.close();
    }

    @Test
    void shouldLoadHandlerThatImplementsBothFunctionAndBatchFunction() throws Exception {
        LoadedFunction loaded = FunctionLoader.load(BothGreeter.class.getName(), List.of());

        assertThat(loaded.handlesEvents()).isTrue();
        assertThat(loaded.handlesBatches()).isTrue();
        assertThat(loaded.create()).isInstanceOf(Function.class).isInstanceOf(BatchFunction.class);
        loaded.close();
    }

    @Test
    void shouldSayFunctionOnlyHandlerTakesEventsButNotBatches() throws Exception {
        LoadedFunction loaded = FunctionLoader.load(Greeter.class.getName(), List.of());

        assertThat(loaded.handlesEvents()).isTrue();
        assertThat(loaded.handlesBatches()).isFalse();
        loaded.close();
    }

    @Test
    void shouldRejectClassThatIsNotFound() {
        assertThatThrownBy(() -> FunctionLoader.load("com.example.Missing", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.handler: class 'com.example.Missing' not found on the function classpath "
                        + "(none given: pass --classpath)");
    }

    @Test
    void shouldNameTheClasspathWhenClassIsNotFoundOnIt() {
        assertThatThrownBy(() -> FunctionLoader.load("demo.Nope", List.of(jar, classes)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'demo.Nope' not found")
                .hasMessageEndingWith("[" + jar + ":" + classes + "]");
    }

    @Test
    void shouldRejectClassThatDoesNotImplementFunction() {
        assertThatThrownBy(() -> FunctionLoader.load(NotAFunction.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.handler: class '" + NotAFunction.class.getName()
                        + "' implements neither io.nucleon.function.Function nor io.nucleon.function.BatchFunction");
    }

    @Test
    void shouldRejectAbstractClass() {
        assertThatThrownBy(() -> FunctionLoader.load(AbstractHandler.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.handler: class '" + AbstractHandler.class.getName()
                        + "' must be a public, concrete class");
    }

    @Test
    void shouldRejectInterface() {
        assertThatThrownBy(() -> FunctionLoader.load(HandlerInterface.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("must be a public, concrete class");
    }

    @Test
    void shouldRejectClassThatIsNotPublic() {
        assertThatThrownBy(() -> FunctionLoader.load(PackagePrivateHandler.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("must be a public, concrete class");
    }

    @Test
    void shouldRejectClassWithoutNoArgumentConstructor() {
        assertThatThrownBy(() -> FunctionLoader.load(NeedsArgument.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.handler: class '" + NeedsArgument.class.getName()
                        + "' needs a public no-argument constructor");
    }

    @Test
    void shouldRejectClassWhoseNoArgumentConstructorIsPrivate() {
        assertThatThrownBy(() -> FunctionLoader.load(PrivateConstructor.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("needs a public no-argument constructor");
    }

    @Test
    void shouldRejectInnerClassThatNeedsEnclosingInstance() {
        assertThatThrownBy(() -> FunctionLoader.load(Inner.class.getName(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("needs a public no-argument constructor");
    }

    @Test
    void shouldRejectClasspathEntryThatDoesNotExist() {
        Path missing = work.resolve("missing.jar");

        assertThatThrownBy(() -> FunctionLoader.load("demo.JarGreeter", List.of(jar, missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("function classpath entry does not exist: " + missing);
    }

    @Test
    void shouldLoadHandlerFromJar() throws Exception {
        LoadedFunction loaded = FunctionLoader.load("demo.JarGreeter", List.of(jar));

        assertThat(loaded.classLoader()).isInstanceOf(URLClassLoader.class);
        assertThat(loaded.classLoader().getName()).isEqualTo("function");
        assertThat(loaded.classLoader().getParent()).isSameAs(FunctionLoader.class.getClassLoader());
        assertThat(loaded.handlerClass().getClassLoader()).isSameAs(loaded.classLoader());
        assertThatThrownBy(() -> Class.forName("demo.JarGreeter"))
                .as("not on the test classpath")
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(bodyOf(((Function) loaded.create()).handle(null, null))).isEqualTo("hello from jar");
        loaded.close();
    }

    @Test
    void shouldLoadHandlerFromClassDirectory() throws Exception {
        LoadedFunction loaded = FunctionLoader.load("demo.JarGreeter", List.of(classes));

        assertThat(bodyOf(((Function) loaded.create()).handle(null, null))).isEqualTo("hello from jar");
        loaded.close();
    }

    @Test
    void shouldUseProcessorsFunctionApiWhenJarBundlesItsOwnCopy() throws Exception {
        LoadedFunction loaded = FunctionLoader.load("demo.JarGreeter", List.of(jarWithOwnApi));

        assertThat(loaded.create()).isInstanceOf(Function.class);
        assertThat(Class.forName(Function.class.getName(), false, loaded.classLoader()))
                .isSameAs(Function.class);
        loaded.close();
    }

    @Test
    void shouldRejectClassThatCannotBeLinked() {
        assertThatThrownBy(() -> FunctionLoader.load("demo.Orphan", List.of(jarWithoutSuperclass)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.handler: class 'demo.Orphan' cannot be loaded: ")
                .hasMessageContaining("demo/MissingBase")
                .hasCauseInstanceOf(LinkageError.class);
    }

    @Test
    void shouldReportConstructorFailureWhenCreatingInstance() {
        LoadedFunction loaded = FunctionLoader.load(FailingConstructor.class.getName(), List.of());

        assertThatThrownBy(loaded::create)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("constructor of " + FailingConstructor.class.getName()
                        + " failed: java.lang.IllegalStateException: no config")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    // ---- handler fixtures: public where the loader needs them to be ------------------------------------

    public static final class Greeter implements Function {
        @Override
        public Response handle(Context context, Event event) {
            return Response.ok("hello");
        }
    }

    public static final class BatchGreeter implements BatchFunction {
        @Override
        public BatchResult handleBatch(Context context, List<Event> events) {
            return BatchResult.success();
        }
    }

    public static final class BothGreeter implements Function, BatchFunction {
        @Override
        public Response handle(Context context, Event event) {
            return Response.ok("hello");
        }

        @Override
        public BatchResult handleBatch(Context context, List<Event> events) {
            return BatchResult.success();
        }
    }

    public static final class NotAFunction {}

    public abstract static class AbstractHandler implements Function {}

    public interface HandlerInterface extends Function {}

    static final class PackagePrivateHandler implements Function {
        @Override
        public Response handle(Context context, Event event) {
            return Response.noContent();
        }
    }

    public static final class NeedsArgument implements Function {
        public NeedsArgument(String name) {}

        @Override
        public Response handle(Context context, Event event) {
            return Response.noContent();
        }
    }

    public static final class PrivateConstructor implements Function {
        private PrivateConstructor() {}

        @Override
        public Response handle(Context context, Event event) {
            return Response.noContent();
        }
    }

    public final class Inner implements Function {
        @Override
        public Response handle(Context context, Event event) {
            return Response.noContent();
        }
    }

    public static final class FailingConstructor implements Function {
        public FailingConstructor() {
            throw new IllegalStateException("no config");
        }

        @Override
        public Response handle(Context context, Event event) {
            return Response.noContent();
        }
    }

    // ---- building jars --------------------------------------------------------------------------------

    private static void compile(Path sources, Path output) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK, not a JRE").isNotNull();
        Files.createDirectories(output);
        // the function API's own location covers a surefire manifest-only classpath jar
        String classpath = Path.of(codeSource(Function.class))
                + java.io.File.pathSeparator
                + System.getProperty("java.class.path");
        List<String> arguments = new ArrayList<>(List.of("-d", output.toString(), "-cp", classpath, "-proc:none"));
        try (Stream<Path> files = Files.list(sources)) {
            files.map(Path::toString).forEach(arguments::add);
        }
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int exit = javac.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));
        assertThat(exit)
                .as("javac: %s", diagnostics.toString(StandardCharsets.UTF_8))
                .isZero();
    }

    private static java.net.URI codeSource(Class<?> type) {
        try {
            return type.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeJar(Path jarFile, Path root, String... entries) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jarFile))) {
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                Files.copy(root.resolve(entry), out);
                out.closeEntry();
            }
        }
    }

    /** Rewrites the jar with a copy of {@code io/nucleon/function/Function.class} added. */
    private static void addApiCopy(Path jarFile) throws IOException {
        String name = Function.class.getName().replace('.', '/') + ".class";
        byte[] api;
        try (InputStream in = Function.class.getClassLoader().getResourceAsStream(name)) {
            api = in.readAllBytes();
        }
        Path copy = jarFile.resolveSibling("tmp-" + jarFile.getFileName());
        try (var source = new java.util.jar.JarFile(jarFile.toFile());
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy))) {
            for (JarEntry entry : java.util.Collections.list(source.entries())) {
                out.putNextEntry(new JarEntry(entry.getName()));
                source.getInputStream(entry).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(name));
            out.write(api);
            out.closeEntry();
        }
        Files.move(copy, jarFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String bodyOf(Response response) {
        return StandardCharsets.UTF_8.decode(response.body().duplicate()).toString();
    }
}
