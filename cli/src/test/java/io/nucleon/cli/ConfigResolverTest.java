package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.BuildSpec;
import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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

    @Test
    void shouldReplaceTheTriggersAndThenApplyThePort() throws Exception {
        Path file = Files.writeString(tmp.resolve("function.yaml"), """
                metadata:
                  name: hello
                spec:
                  handler: demo.Hello
                  triggers:
                    http:
                      kind: http
                      attributes:
                        port: 8080
                """);

        ConfigResolver resolver = ConfigResolver.fromFile(file)
                .triggers(Arguments.triggers(
                        "--triggers",
                        "{\"web\":{\"kind\":\"http\",\"attributes\":{\"port\":8081}},"
                                + "\"tick\":{\"kind\":\"cron\",\"attributes\":{\"interval\":\"1s\"}}}"));
        FunctionConfig triggersOnly = resolver.validate(resolver.yaml());
        resolver.httpPort(9090);
        FunctionConfig withPort = resolver.validate(resolver.yaml());

        assertThat(triggersOnly.spec().triggers()).containsOnlyKeys("web", "tick");
        assertThat(triggersOnly.spec().triggers().get("web").attributes().integer("port", 0, 0, 65535))
                .isEqualTo(8081);
        assertThat(withPort.spec().triggers().get("web").attributes().integer("port", 0, 0, 65535))
                .isEqualTo(9090);
    }

    @Test
    void shouldReportATriggerTheLoaderRefusesAsTheOptions() {
        ConfigResolver resolver = ConfigResolver.generated("greeter", "demo.Greeter")
                .triggers(Arguments.triggers("--triggers", "{\"web\":{\"kind\":\"http\",\"numWorkers\":\"lots\"}}"));

        assertThatThrownBy(() -> resolver.validate(resolver.yaml()))
                .isInstanceOf(CliException.class)
                .hasMessage("--triggers: spec.triggers.web.numWorkers: must be an integer from 1 to 1024, got 'lots'");
    }

    @Test
    void shouldSetReplicas() {
        ConfigResolver resolver = ConfigResolver.generated("greeter", "demo.Greeter")
                .httpPort(1234)
                .replicas(3);

        FunctionConfig config = resolver.validate(resolver.yaml());

        assertThat(config.spec().replicas()).hasValue(3);
        assertThat(resolver.yaml()).contains("  replicas: 3\n");
    }

    @Test
    void shouldReportReplicasOutsideTheFilesRangeAsTheOptions() throws Exception {
        Path file = Files.writeString(tmp.resolve("function.yaml"), """
                metadata:
                  name: hello
                spec:
                  handler: demo.Hello
                  minReplicas: 2
                  maxReplicas: 4
                """);

        ConfigResolver tooMany = ConfigResolver.fromFile(file).replicas(5);
        ConfigResolver tooFew = ConfigResolver.fromFile(file).replicas(1);

        assertThatThrownBy(() -> tooMany.validate(tooMany.yaml()))
                .isInstanceOf(CliException.class)
                .hasMessage("--replicas 5: spec.replicas: must be between minReplicas (2) and maxReplicas (4), got 5");
        assertThatThrownBy(() -> tooFew.validate(tooFew.yaml()))
                .isInstanceOf(CliException.class)
                .hasMessage("--replicas 1: spec.replicas: must be between minReplicas (2) and maxReplicas (4), got 1");
    }

    @Test
    void shouldLeaveErrorsOnOtherFieldsAsTheLoaderReportsThem() {
        ConfigResolver resolver =
                ConfigResolver.generated("greeter", "demo.Greeter").replicas(2).handler("not a class");

        assertThatThrownBy(() -> resolver.validate(resolver.yaml()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("resolved function.yaml line ")
                .hasMessageEndingWith("spec.handler: must be a fully qualified Java class name, got 'not a class'");
    }

    @Test
    void shouldReadTheFilesBuildSection() throws Exception {
        Path file = Files.writeString(tmp.resolve("function.yaml"), """
                metadata:
                  name: hello
                spec:
                  handler: demo.Hello
                  build:
                    dependencies:
                    - org.apache.commons:commons-text:1.12.0
                    repositories:
                    - https://repo.example.com/maven2
                """);

        assertThat(ConfigResolver.fromFile(file).build())
                .isEqualTo(new BuildSpec(
                        List.of("org.apache.commons:commons-text:1.12.0"), List.of("https://repo.example.com/maven2")));
        assertThat(ConfigResolver.generated("g", "demo.G").build()).isEqualTo(BuildSpec.NONE);
    }
}
