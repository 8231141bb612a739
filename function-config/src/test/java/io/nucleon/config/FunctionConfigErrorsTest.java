package io.nucleon.config;

import static io.nucleon.config.FunctionConfigLoaderTest.MINIMAL;
import static io.nucleon.config.FunctionConfigLoaderTest.WITH_HTTP_TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalid function.yaml: every error is one line naming the file, the line and the dotted field path. */
class FunctionConfigErrorsTest {

    @Test
    void shouldRejectUnknownTopLevelField() {
        assertThat(error("# a comment\nspecs: {}\n" + MINIMAL))
                .isEqualTo(
                        "function.yaml line 2: specs: unknown field (known fields: apiVersion, kind, metadata, spec)");
    }

    @Test
    void shouldRejectUnknownSpecField() {
        assertThat(error(MINIMAL + "  timeout: 5s\n"))
                .isEqualTo(
                        "function.yaml line 7: spec.timeout: unknown field (known fields: build, cache, dataBindings, description, env, "
                                + "eventTimeout, handler, maxReplicas, minReplicas, platform, replicas, runtime, triggers)");
    }

    @Test
    void shouldRejectUnknownMetadataField() {
        assertThat(error(MINIMAL.replace("  name: hello\n", "  name: hello\n  owner: me\n")))
                .isEqualTo("function.yaml line 5: metadata.owner: unknown field "
                        + "(known fields: annotations, labels, name, namespace)");
    }

    @Test
    void shouldRejectUnknownTriggerFieldListingKnownFields() {
        assertThat(error(WITH_HTTP_TRIGGER + "      port: 8080\n"))
                .isEqualTo(
                        "function.yaml line 10: spec.triggers.http.port: unknown field (known fields: attributes, "
                                + "batch, kind, name, numWorkers, url, workerAllocatorName, workerAvailabilityTimeoutMilliseconds)");
    }

    @Test
    void shouldRejectUnknownFieldOfEnvEntry() {
        assertThat(error(MINIMAL + "  env:\n  - name: A\n    valu: b\n"))
                .isEqualTo("function.yaml line 9: spec.env[0].valu: unknown field (known fields: name, value)");
    }

    @Test
    void shouldRequireHandler() {
        // The line is that of the spec mapping, which starts at its first key.
        assertThat(error("""
                        metadata:
                          name: hello
                        spec:
                          runtime: java
                        """)).isEqualTo("function.yaml line 3: spec.handler: is required");
    }

    @Test
    void shouldRequireMetadataAndSpec() {
        assertThat(error("spec:\n  handler: a.B\n")).isEqualTo("function.yaml line 1: metadata: is required");
        assertThat(error("metadata:\n  name: hello\n")).isEqualTo("function.yaml line 1: spec: is required");
    }

    @Test
    void shouldRequireMetadataName() {
        assertThat(error("metadata:\n  namespace: shop\nspec:\n  handler: a.B\n"))
                .isEqualTo("function.yaml line 1: metadata.name: is required");
    }

    @Test
    void shouldRejectEmptyHandler() {
        assertThat(error(MINIMAL.replace("com.example.Hello", "\"  \"")))
                .isEqualTo("function.yaml line 6: spec.handler: must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.example..Hello", "my-handler", "com.example.Hello::handle", "1st.Handler", "Hello."})
    void shouldRejectHandlerThatIsNotClassName(String handler) {
        assertThat(error(MINIMAL.replace("com.example.Hello", "\"" + handler + "\"")))
                .isEqualTo("function.yaml line 6: spec.handler: must be a fully qualified Java class name, got '"
                        + handler + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello", "com.example.Hello$Inner", "_x.y_.Z9"})
    void shouldAcceptHandlerThatIsClassName(String handler) {
        FunctionConfig config =
                FunctionConfigLoader.parse(MINIMAL.replace("com.example.Hello", handler), "function.yaml");

        assertThat(config.spec().handler()).isEqualTo(handler);
    }

    @Test
    void shouldRejectHandlerThatIsMapping() {
        assertThat(error(MINIMAL.replace("handler: com.example.Hello", "handler: {class: a.B}")))
                .isEqualTo("function.yaml line 6: spec.handler: must be a single value, got a mapping");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "many", "5000", "1.5"})
    void shouldRejectBadNumWorkers(String numWorkers) {
        assertThat(error(WITH_HTTP_TRIGGER + "      numWorkers: " + numWorkers + "\n"))
                .isEqualTo(
                        "function.yaml line 10: spec.triggers.http.numWorkers: must be an integer from 1 to 1024, got '"
                                + numWorkers + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1024"})
    void shouldAcceptNumWorkersAtItsBounds(String numWorkers) {
        FunctionConfig config =
                FunctionConfigLoader.parse(WITH_HTTP_TRIGGER + "      numWorkers: " + numWorkers + "\n", "f.yaml");

        assertThat(config.spec().triggers().get("http").numWorkers()).isEqualTo(Integer.parseInt(numWorkers));
    }

    @Test
    void shouldRejectBadWorkerAvailabilityTimeout() {
        assertThat(error(WITH_HTTP_TRIGGER + "      workerAvailabilityTimeoutMilliseconds: 10s\n"))
                .isEqualTo("function.yaml line 10: spec.triggers.http.workerAvailabilityTimeoutMilliseconds: "
                        + "must be an integer from 0 to 3600000, got '10s'");
    }

    @Test
    void shouldRequireTriggerKind() {
        assertThat(error(MINIMAL + "  triggers:\n    http:\n      numWorkers: 2\n"))
                .isEqualTo("function.yaml line 8: spec.triggers.http.kind: is required");
    }

    @Test
    void shouldRejectTriggerThatIsNotMapping() {
        assertThat(error(MINIMAL + "  triggers:\n    http: yes\n"))
                .isEqualTo("function.yaml line 8: spec.triggers.http: must be a mapping (key: value lines), got 'yes'");
    }

    @Test
    void shouldRejectTriggersThatAreList() {
        assertThat(error(MINIMAL + "  triggers:\n  - kind: http\n"))
                .isEqualTo("function.yaml line 7: spec.triggers: must be a mapping (key: value lines), got a list");
    }

    @Test
    void shouldRejectAttributesThatAreNotMapping() {
        assertThat(error(WITH_HTTP_TRIGGER + "      attributes: 8080\n"))
                .isEqualTo("function.yaml line 10: spec.triggers.http.attributes: must be a mapping "
                        + "(key: value lines), got '8080'");
        assertThat(error(WITH_HTTP_TRIGGER + "      attributes:\n      - port\n"))
                .isEqualTo("function.yaml line 10: spec.triggers.http.attributes: must be a mapping "
                        + "(key: value lines), got a list");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "2", "2 s", "-2s", "1.5s", "2sec"})
    void shouldRejectBadEventTimeout(String timeout) {
        assertThat(error(MINIMAL + "  eventTimeout: " + timeout + "\n"))
                .isEqualTo(
                        "function.yaml line 7: spec.eventTimeout: must be a duration such as 500ms, 30s, 5m or 1h30m, "
                                + "got '" + timeout + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "0m0s"})
    void shouldRejectZeroEventTimeout(String timeout) {
        assertThat(error(MINIMAL + "  eventTimeout: " + timeout + "\n"))
                .isEqualTo("function.yaml line 7: spec.eventTimeout: must be longer than 0");
    }

    @Test
    void shouldRejectDuplicateKeyAtTheLineOfTheSecond() {
        assertThat(error(MINIMAL + "  handler: com.example.Other\n"))
                .isEqualTo("function.yaml line 7: spec.handler: appears twice");
    }

    @Test
    void shouldRejectDuplicateTriggerName() {
        assertThat(error(WITH_HTTP_TRIGGER + "    http:\n      kind: http\n"))
                .isEqualTo("function.yaml line 10: spec.triggers.http: appears twice");
    }

    @Test
    void shouldRejectInvalidYamlWithLineOfTheProblem() {
        String message = error(MINIMAL + "  triggers: [http\n  description: : x\n");

        assertThat(message).startsWith("function.yaml line 8: invalid YAML");
    }

    @Test
    void shouldRejectBadIndentationAsInvalidYaml() {
        String message = error("metadata:\n  name: hello\n   extra: x\nspec:\n  handler: a.B\n");

        assertThat(message).isEqualTo("function.yaml line 3: invalid YAML: mapping values are not allowed here");
    }

    @Test
    void shouldRejectTabIndentationAsInvalidYaml() {
        assertThat(error("metadata:\n\tname: hello\n")).startsWith("function.yaml line 2: invalid YAML: ");
    }

    @Test
    void shouldRejectEmptyFile() {
        assertThat(error("")).isEqualTo("function.yaml: is empty");
        assertThat(error("# only a comment\n\n")).isEqualTo("function.yaml: is empty");
    }

    @Test
    void shouldRejectFileThatIsNotMapping() {
        assertThat(error("- a\n- b\n"))
                .isEqualTo("function.yaml line 1: must be a YAML mapping with apiVersion, kind, metadata and spec");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello", "hello_world", "-hello", "hello-", "héllo"})
    void shouldRejectInvalidMetadataName(String name) {
        assertThat(error(MINIMAL.replace("name: hello", "name: " + name)))
                .isEqualTo("function.yaml line 4: metadata.name: must be lower-case letters, digits and '-', "
                        + "start and end with a letter or digit, at most 63 characters; got '" + name + "'");
    }

    @Test
    void shouldAcceptMetadataNameOfAtMost63Characters() {
        String longest = "a" + "-".repeat(61) + "z";

        assertThat(FunctionConfigLoader.parse(MINIMAL.replace("hello", longest), "f.yaml")
                        .name())
                .isEqualTo(longest);
        assertThat(error(MINIMAL.replace("name: hello", "name: " + longest + "z")))
                .startsWith("function.yaml line 4: metadata.name: must be lower-case letters");
    }

    @Test
    void shouldRejectRuntimeOtherThanJava() {
        assertThat(error(MINIMAL + "  runtime: python:3.12\n"))
                .isEqualTo("function.yaml line 7: spec.runtime: must be one of java, got 'python:3.12'");
    }

    @Test
    void shouldRejectUnknownApiVersionAndKind() {
        assertThat(error(MINIMAL.replace("nuclio.io/v1", "nuclio.io/v2")))
                .startsWith("function.yaml line 1: apiVersion: must be one of ")
                .contains("nuclio.io/v1", "nucleon.io/v1")
                .endsWith(", got 'nuclio.io/v2'");
        assertThat(error(MINIMAL.replace("kind: NuclioFunction", "kind: Deployment")))
                .startsWith("function.yaml line 2: kind: must be one of ")
                .endsWith(", got 'Deployment'");
    }

    @Test
    void shouldRejectMaxReplicasBelowMinReplicas() {
        assertThat(error(MINIMAL + "  minReplicas: 3\n  maxReplicas: 2\n"))
                .isEqualTo("function.yaml line 8: spec.maxReplicas: must not be less than minReplicas (3)");
    }

    @Test
    void shouldDefaultMaxReplicasToMinReplicas() {
        FunctionConfig config = FunctionConfigLoader.parse(MINIMAL + "  minReplicas: 3\n", "f.yaml");

        assertThat(config.spec().maxReplicas()).isEqualTo(3);
    }

    @Test
    void shouldAcceptZeroMinReplicasForScaleToZero() {
        FunctionConfig config = FunctionConfigLoader.parse(MINIMAL + "  minReplicas: 0\n", "f.yaml");

        assertThat(config.spec().minReplicas()).isZero();
        assertThat(config.spec().maxReplicas()).isEqualTo(1);
    }

    @Test
    void shouldRejectLabelValueThatIsNotScalar() {
        assertThat(error(MINIMAL.replace("  name: hello\n", "  name: hello\n  labels:\n    team: [a, b]\n")))
                .isEqualTo("function.yaml line 6: metadata.labels.team: must be a single value, got a list");
    }

    @Test
    void shouldRequireNameOfEnvEntry() {
        assertThat(error(MINIMAL + "  env:\n  - value: b\n"))
                .isEqualTo("function.yaml line 8: spec.env[0].name: is required");
    }

    @Test
    void shouldNotFollowRecursiveAliasForever() {
        assertThat(error(MINIMAL + "  env: &e [*e]\n"))
                .isEqualTo("function.yaml line 7: spec.env[0]: must be a mapping (key: value lines), got a list");
    }

    @Test
    void shouldRejectUnknownFieldWhoseNameEndsLikeKnownOne() {
        assertThat(error(MINIMAL + "  custom.handler: com.example.Other\n"))
                .isEqualTo(
                        "function.yaml line 7: spec.custom.handler: unknown field (known fields: build, cache, dataBindings, description, env, "
                                + "eventTimeout, handler, maxReplicas, minReplicas, platform, replicas, runtime, triggers)");
    }

    @Test
    void shouldRejectEventTimeoutTooLargeForDuration() {
        assertThatThrownBy(() -> FunctionConfigLoader.parse(MINIMAL + "  eventTimeout: 9999999999999999h\n", "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("f.yaml line 7: spec.eventTimeout: ");
    }

    @Test
    void shouldKeepErrorOnOneLineWhenValueHoldsLineBreak() {
        assertThatThrownBy(() -> FunctionConfigLoader.parse(
                        MINIMAL.replace("name: hello", "name: \"Bad\\nName\""), "function.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldReportUnknownSectionAtTheLineOfItsKey() {
        assertThat(error(MINIMAL + "  extras:\n    a: b\n")).startsWith("function.yaml line 7: spec.extras: ");
    }

    /** Parses, expects a {@link ConfigException}, and checks the one-line promise on the way. */
    private static String error(String yaml) {
        try {
            FunctionConfigLoader.parse(yaml, "function.yaml");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).doesNotContain("\n", "\r");
            return e.getMessage();
        }
        throw new AssertionError("expected a ConfigException for:\n" + yaml);
    }
}
