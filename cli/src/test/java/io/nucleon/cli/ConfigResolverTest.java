package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.FunctionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolverTest {

    @TempDir
    Path tmp;

    @Test
    void shouldApplyCommandLineValuesOnTopOfTheFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("function.yaml"), """
                metadata:
                  name: hello
                spec:
                  handler: demo.Hello
                  env:
                    - name: A
                      value: "1"
                  triggers:
                    web:
                      kind: http
                      attributes:
                        port: 8080
                """);

        ConfigResolver resolver = ConfigResolver.fromFile(file)
                .name("other")
                .env(new LinkedHashMap<>(Map.of("B", "3")))
                .env(Map.of("A", "2"))
                .httpPort(9090);
        FunctionConfig config = resolver.validate(resolver.yaml());

        assertThat(config.name()).isEqualTo("other");
        assertThat(config.spec().env()).containsExactly(Map.entry("A", "2"), Map.entry("B", "3"));
        assertThat(config.spec().triggers().get("web").attributes().integer("port", 0, 0, 65535))
                .isEqualTo(9090);
    }

    @Test
    void shouldGenerateAConfigWithOneHttpTrigger() {
        ConfigResolver resolver =
                ConfigResolver.generated("greeter", "demo.Greeter").httpPort(1234);

        FunctionConfig config = resolver.validate(resolver.yaml());

        assertThat(config.spec().handler()).isEqualTo("demo.Greeter");
        assertThat(config.spec().triggers()).containsOnlyKeys("http");
    }

    @Test
    void shouldSetReusePortOnHttpTriggersThatDoNotSetIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("function.yaml"), """
                metadata:
                  name: two
                spec:
                  handler: demo.Two
                  triggers:
                    a:
                      kind: http
                      attributes:
                        port: 8080
                    b:
                      kind: http
                      attributes:
                        port: 8081
                        reusePort: false
                    every:
                      kind: cron
                      attributes:
                        interval: 1s
                """);

        ConfigResolver resolver = ConfigResolver.fromFile(file).reusePortByDefault();
        FunctionConfig config = resolver.validate(resolver.yaml());

        assertThat(config.spec().triggers().get("a").attributes().bool("reusePort", false))
                .isTrue();
        assertThat(config.spec().triggers().get("b").attributes().bool("reusePort", true))
                .isFalse();
        assertThat(config.spec().triggers().get("every").attributes().child("reusePort"))
                .isEmpty();
    }

    @Test
    void shouldRefuseAPortForAFunctionWithoutHttpTrigger() throws Exception {
        Path file = Files.writeString(tmp.resolve("function.yaml"), """
                metadata:
                  name: tick
                spec:
                  handler: demo.Tick
                  triggers:
                    every:
                      kind: cron
                      attributes:
                        interval: 1s
                """);

        assertThatThrownBy(() -> ConfigResolver.fromFile(file).httpPort(1))
                .isInstanceOf(CliException.class)
                .hasMessage("--port: the function has no http trigger");
    }
}
