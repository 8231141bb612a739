package io.nucleon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Typed reads of trigger attributes, the way a trigger factory does them. */
class ConfigNodeTest {

    private static final long MAX = Long.MAX_VALUE;

    /**
     * Line 10 holds {@code attributes:}, attribute {@code n} of {@link #attributes(String...)} is on line
     * {@code 10 + n}.
     */
    private static ConfigNode attributes(String... lines) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: hello
                spec:
                  handler: com.example.Hello
                  triggers:
                    web:
                      kind: http
                      attributes:
                """);
        for (String line : lines) {
            yaml.append("        ").append(line).append('\n');
        }
        return FunctionConfigLoader.parse(yaml.toString(), "function.yaml")
                .spec()
                .triggers()
                .get("web")
                .attributes();
    }

    @Test
    void shouldKnowItsPathAndLine() {
        ConfigNode attributes = attributes("port: 8080");

        assertThat(attributes.path()).isEqualTo("spec.triggers.web.attributes");
        assertThat(attributes.location()).isEqualTo(new ConfigLocation("function.yaml", 10));
        assertThat(attributes.entries()).containsOnlyKeys("port");
        assertThat(attributes.entries().get("port").path()).isEqualTo("spec.triggers.web.attributes.port");
    }

    @Test
    void shouldReadIntegerWithinBounds() {
        ConfigNode attributes = attributes("port: 8080", "low: 1", "high: 65535", "spaced: ' 42 '");

        assertThat(attributes.integer("port", 80, 1, 65535)).isEqualTo(8080);
        assertThat(attributes.integer("low", 80, 1, 65535)).isEqualTo(1);
        assertThat(attributes.integer("high", 80, 1, 65535)).isEqualTo(65535);
        assertThat(attributes.integer("spaced", 80, 1, 65535)).isEqualTo(42);
        assertThat(attributes.integer("absent", 80, 1, 65535)).isEqualTo(80);
    }

    @Test
    void shouldUseDefaultForNullValue() {
        ConfigNode attributes = attributes("port:", "tilde: ~");

        assertThat(attributes.integer("port", 80, 1, 65535)).isEqualTo(80);
        assertThat(attributes.string("tilde", "dflt")).isEqualTo("dflt");
        assertThat(attributes.child("port")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0", "65536", "http", "80.5", "''"})
    void shouldRejectIntegerOutOfBoundsOrNotNumber(String value) {
        ConfigNode attributes = attributes("a: 1", "port: " + (value.isEmpty() ? "''" : value));

        assertThatThrownBy(() -> attributes.integer("port", 80, 1, 65535))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "function.yaml line 12: spec.triggers.web.attributes.port: must be an integer from 1 to 65535, got '"
                                + value + "'");
    }

    @Test
    void shouldRejectIntegerThatIsList() {
        ConfigNode attributes = attributes("port: [1, 2]");

        assertThatThrownBy(() -> attributes.integer("port", 80, 1, 65535))
                .hasMessage(
                        "function.yaml line 11: spec.triggers.web.attributes.port: must be a single value, got a list");
    }

    @Test
    void shouldReadLongBeyondIntRange() {
        ConfigNode attributes = attributes("offset: 9000000000");

        assertThat(attributes.longValue("offset", 0, 0, MAX)).isEqualTo(9_000_000_000L);
    }

    @ParameterizedTest
    @CsvSource({
        "1048576, 1048576",
        "512k, 524288",
        "512K, 524288",
        "512KiB, 524288",
        "4Mi, 4194304",
        "4M, 4194304",
        "4MB, 4194304",
        "4 Mi, 4194304",
        "1G, 1073741824",
        "2Gi, 2147483648",
        "0, 0",
        "100b, 100"
    })
    void shouldReadSizeInBytesWithPowerOf1024Units(String text, long bytes) {
        ConfigNode attributes = attributes("maxBody: " + text);

        assertThat(attributes.sizeBytes("maxBody", 1, 0, MAX)).isEqualTo(bytes);
    }

    @Test
    void shouldUseDefaultSizeWhenAbsent() {
        assertThat(attributes("a: 1").sizeBytes("maxBody", 4096, 0, MAX)).isEqualTo(4096);
    }

    @ParameterizedTest
    @CsvSource({"big", "4T", "4.5Mi", "-1", "Mi", "99999999999999999999"})
    void shouldRejectSizeThatIsNotSize(String text) {
        ConfigNode attributes = attributes("maxBody: " + text);

        assertThatThrownBy(() -> attributes.sizeBytes("maxBody", 1, 0, MAX))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 11: spec.triggers.web.attributes.maxBody: must be a size from 0 to "
                        + MAX + " bytes (e.g. 4Mi), got '" + text + "'");
    }

    @Test
    void shouldRejectSizeOutOfBounds() {
        ConfigNode attributes = attributes("maxBody: 2Mi");

        assertThatThrownBy(() -> attributes.sizeBytes("maxBody", 1, 1, 1 << 20))
                .hasMessage("function.yaml line 11: spec.triggers.web.attributes.maxBody: must be a size from 1 to "
                        + "1048576 bytes (e.g. 4Mi), got '2Mi'");
    }

    @Test
    void shouldRejectSizeThatOverflowsLong() {
        ConfigNode attributes = attributes("maxBody: 17179869185G");

        assertThatThrownBy(() -> attributes.sizeBytes("maxBody", 1, 0, MAX)).isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldReadBoolean() {
        ConfigNode attributes = attributes("tls: true", "gzip: false");

        assertThat(attributes.bool("tls", false)).isTrue();
        assertThat(attributes.bool("gzip", true)).isFalse();
        assertThat(attributes.bool("absent", true)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"yes", "True", "1", "on"})
    void shouldRejectBooleanOtherThanTrueOrFalse(String text) {
        ConfigNode attributes = attributes("tls: " + text);

        assertThatThrownBy(() -> attributes.bool("tls", false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 11: spec.triggers.web.attributes.tls: must be true or false, got '"
                        + text + "'");
    }

    @Test
    void shouldReadDuration() {
        ConfigNode attributes = attributes("idle: 1m30s", "fast: 250ms");

        assertThat(attributes.duration("idle", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(attributes.duration("fast", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(attributes.duration("absent", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void shouldRejectBadDurationNamingField() {
        ConfigNode attributes = attributes("a: 1", "idle: forever");

        assertThatThrownBy(() -> attributes.duration("idle", Duration.ZERO))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 12: spec.triggers.web.attributes.idle: must be a duration such as "
                        + "500ms, 30s, 5m or 1h30m, got 'forever'");
    }

    @Test
    void shouldReadRequiredAndOptionalStrings() {
        ConfigNode attributes = attributes("topic: orders", "blank: ' '");

        assertThat(attributes.string("topic")).isEqualTo("orders");
        assertThat(attributes.string("group", "nucleon")).isEqualTo("nucleon");
        assertThatThrownBy(() -> attributes.string("group"))
                .hasMessage("function.yaml line 10: spec.triggers.web.attributes.group: is required");
        assertThatThrownBy(() -> attributes.string("blank"))
                .hasMessage("function.yaml line 12: spec.triggers.web.attributes.blank: must not be empty");
    }

    @Test
    void shouldReadListsAndStringMaps() {
        ConfigNode attributes = attributes("topics: [a, b]", "headers:", "  X-One: 1", "  X-Two: two");

        List<ConfigNode> topics = attributes.required("topics").elements();
        assertThat(topics).extracting(ConfigNode::scalar).containsExactly("a", "b");
        assertThat(topics.get(1).path()).isEqualTo("spec.triggers.web.attributes.topics[1]");
        assertThat(attributes.required("headers").stringMap())
                .containsExactly(entry("X-One", "1"), entry("X-Two", "two"));
        assertThatThrownBy(() -> attributes.required("headers").elements())
                .hasMessage(
                        "function.yaml line 12: spec.triggers.web.attributes.headers: must be a list, got a mapping");
    }

    @Test
    void shouldPassRejectUnknownWhenAllFieldsAreKnown() {
        ConfigNode attributes = attributes("port: 8080", "host: 0.0.0.0");

        attributes.rejectUnknown(List.of("port", "host", "maxBody"));
    }

    @Test
    void shouldRejectUnknownAttributeListingKnownOnesSorted() {
        ConfigNode attributes = attributes("port: 8080", "prot: 8081");

        assertThatThrownBy(() -> attributes.rejectUnknown(List.of("port", "maxBody", "host")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 12: spec.triggers.web.attributes.prot: unknown field "
                        + "(known fields: host, maxBody, port)");
    }

    @Test
    void shouldReportErrorOfNodeItself() {
        ConfigNode attributes = attributes("port: 8080");

        assertThat(attributes.error("needs port or socket"))
                .hasMessage("function.yaml line 10: spec.triggers.web.attributes: needs port or socket");
    }

    @Test
    void shouldStandInForOmittedSectionWithEmptyMapping() {
        ConfigNode empty = ConfigNode.emptyMapping("spec.triggers.t.attributes", new ConfigLocation("f.yaml", 9));

        assertThat(empty.entries()).isEmpty();
        assertThat(empty.integer("port", 8080, 1, 65535)).isEqualTo(8080);
        assertThat(empty.sizeBytes("maxBody", 42, 0, MAX)).isEqualTo(42);
        assertThat(empty.bool("tls", true)).isTrue();
        assertThat(empty.duration("idle", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        empty.rejectUnknown(List.of());
        assertThatThrownBy(() -> empty.string("topic"))
                .hasMessage("f.yaml line 9: spec.triggers.t.attributes.topic: is required");
    }

    @Test
    void shouldPrintLocationWithoutLineWhenUnknown() {
        assertThat(new ConfigLocation("function.yaml", 0)).hasToString("function.yaml");
        assertThat(new ConfigLocation("function.yaml", 3)).hasToString("function.yaml line 3");
    }
}
