package io.nucleon.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformPartsTest {

    @Test
    void shouldSumEverySeriesOfTheHandledEventsCounter() {
        String metrics = """
                # HELP nuclio_processor_handled_events_total events
                # TYPE nuclio_processor_handled_events_total counter
                nuclio_processor_handled_events_total{function="hello",result="failure",trigger_id="http"} 1.0
                nuclio_processor_handled_events_total{function="hello",result="success",trigger_id="http"} 41.0
                nuclio_processor_handled_events_total_other 7.0
                """;

        assertThat(AdminClient.sumCounter(metrics, AdminClient.HANDLED_EVENTS)).isEqualTo(42);
    }

    @Test
    void shouldWriteJsonThatReadsBackTheSame() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "he said \"hi\"\n");
        value.put("pid", 42);
        value.put("ok", true);
        value.put("none", null);
        value.put("list", List.of("a", Map.of("k", "v")));

        for (boolean indent : new boolean[] {true, false}) {
            assertThat(Json.parseObject(Json.write(value, indent))).isEqualTo(value);
        }
        assertThat(Json.write(Map.of("a", List.of(1)), false)).isEqualTo("{\"a\":[1]}");
    }

    @Test
    void shouldDeriveValidFunctionNames() {
        assertThat(FunctionNames.derive("hello.jar")).isEqualTo("hello");
        assertThat(FunctionNames.derive("My_Func-1.0.jar")).isEqualTo("my-func-1-0");
        assertThat(FunctionNames.derive("___")).isEqualTo("function");
        assertThat(FunctionNames.isValid("../etc")).isFalse();
        assertThat(FunctionNames.isValid(FunctionNames.derive("x".repeat(100)))).isTrue();
    }
}
