package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void shouldReadTriggersByNameInTheirOrder() {
        Map<String, Object> triggers = Arguments.triggers(
                "--triggers",
                "{\"web\": {\"kind\": \"http\", \"attributes\": {\"port\": 8081}}, \"tick\": {\"kind\": \"cron\"}}");

        assertThat(triggers).containsOnlyKeys("web", "tick");
        assertThat(triggers.keySet()).containsExactly("web", "tick");
        assertThat(triggers.get("web")).isEqualTo(Map.of("kind", "http", "attributes", Map.of("port", 8081)));
    }

    @Test
    void shouldGiveThePositionOfInvalidJson() {
        assertThatThrownBy(() -> Arguments.triggers("--triggers", "{\"web\": {\"kind\": \"http\"}"))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("--triggers: invalid JSON at line 1, column 25: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Arguments.triggers("--triggers", "{\"web\": {\"kind\" \"http\"}}"))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("--triggers: invalid JSON at line 1, column ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldRefuseJsonThatIsNotAnObjectOfObjects() {
        for (String json : new String[] {"[{\"kind\": \"http\"}]", "\"web\"", "", "web: {kind: http}"}) {
            assertThatThrownBy(() -> Arguments.triggers("--triggers", json))
                    .as(json)
                    .isInstanceOf(CliException.class)
                    .hasMessageStartingWith("--triggers: must be a JSON object of triggers by name, e.g. ");
        }
        assertThatThrownBy(() -> Arguments.triggers("--triggers", "{\"web\": \"http\"}"))
                .isInstanceOf(CliException.class)
                .hasMessage("--triggers: trigger 'web' must be a JSON object, got \"http\"");
    }
}
