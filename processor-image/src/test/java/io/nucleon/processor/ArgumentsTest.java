package io.nucleon.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.runtime.ProcessorSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void shouldTakeDefaultsForAllButTheConfig() {
        Arguments arguments = Arguments.parse(new String[] {"--config", "f.yaml"}, Map.of());

        assertThat(arguments.request()).isEqualTo(Arguments.Request.RUN);
        assertThat(arguments.config()).isEqualTo(Path.of("f.yaml"));
        assertThat(arguments.classpath()).isEmpty();
        assertThat(arguments.adminHost()).isEqualTo("0.0.0.0");
        assertThat(arguments.adminPort()).isEqualTo(ProcessorSettings.DEFAULT_ADMIN_PORT);
        assertThat(arguments.drainTimeout()).isEqualTo("20s");
        assertThat(arguments.adminTokenFile()).isEmpty();
    }

    @Test
    void shouldAcceptSeparateAndInlineValuesAndShortNames() {
        Arguments arguments = Arguments.parse(
                new String[] {
                    "-c=f.yaml",
                    "--admin-host",
                    "127.0.0.1",
                    "--admin-port=0",
                    "--drain-timeout",
                    "5s",
                    "--admin-token-file",
                    "token"
                },
                Map.of());

        assertThat(arguments.config()).isEqualTo(Path.of("f.yaml"));
        assertThat(arguments.adminHost()).isEqualTo("127.0.0.1");
        assertThat(arguments.adminPort()).isZero();
        assertThat(arguments.drainTimeout()).isEqualTo("5s");
        assertThat(arguments.adminTokenFile()).contains(Path.of("token"));
    }

    @Test
    void shouldJoinRepeatedAndColonSeparatedClasspaths() {
        Arguments arguments = Arguments.parse(
                new String[] {"-c", "f.yaml", "--classpath", "a.jar:b.jar", "--cp", "classes", "--cp=::c.jar"},
                Map.of());

        assertThat(arguments.classpath())
                .containsExactly(Path.of("a.jar"), Path.of("b.jar"), Path.of("classes"), Path.of("c.jar"));
    }

    @Test
    void shouldTakeTheTokenFileFromTheEnvironmentUnlessTheCommandLineNamesOne() {
        Map<String, String> env = Map.of(Arguments.ADMIN_TOKEN_FILE_ENV, "from-env");

        assertThat(Arguments.parse(new String[] {"-c", "f"}, env).adminTokenFile())
                .contains(Path.of("from-env"));
        assertThat(Arguments.parse(new String[] {"-c", "f", "--admin-token-file", "given"}, env)
                        .adminTokenFile())
                .contains(Path.of("given"));
        assertThat(Arguments.parse(new String[] {"-c", "f"}, Map.of(Arguments.ADMIN_TOKEN_FILE_ENV, ""))
                        .adminTokenFile())
                .isEmpty();
    }

    @Test
    void shouldAnswerHelpAndVersionWithoutAConfig() {
        assertThat(Arguments.parse(new String[] {"--help"}, Map.of()).request()).isEqualTo(Arguments.Request.HELP);
        assertThat(Arguments.parse(new String[] {"-V"}, Map.of()).request()).isEqualTo(Arguments.Request.VERSION);
        assertThat(Arguments.parse(new String[] {"-V", "-h"}, Map.of()).request())
                .isEqualTo(Arguments.Request.HELP);
        assertThat(Arguments.HELP).contains("--config=FILE", "--admin-token-file=PATH", "(default: 8082)");
    }

    @Test
    void shouldExplainWhatIsWrongWithACommandLine() {
        assertRejected(List.of(), "missing required option: '--config=FILE'");
        assertRejected(List.of("--config"), "option '--config' needs a value");
        assertRejected(List.of("--config", "--admin-port", "1"), "option '--config' needs a value");
        assertRejected(List.of("-c", "f", "--bogus"), "unknown option: '--bogus'");
        assertRejected(List.of("-c", "f", "extra"), "unexpected argument: 'extra'");
        assertRejected(List.of("-c", "f", "--admin-port", "x"), "invalid value for option '--admin-port': 'x'");
        assertRejected(List.of("-c", "f", "-c", "g"), "option '--config' should be given only once");
        assertRejected(List.of("-c", "f", "--help=yes"), "option '--help' takes no value");
    }

    private static void assertRejected(List<String> args, String message) {
        assertThatThrownBy(() -> Arguments.parse(args.toArray(String[]::new), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
