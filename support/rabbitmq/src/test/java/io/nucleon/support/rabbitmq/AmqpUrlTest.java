package io.nucleon.support.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The AMQP URL as the rabbit-mq trigger and data binding read it: its parts, defaults, errors and masking. */
class AmqpUrlTest {

    // ---- parts and defaults ---------------------------------------------------------------------------

    @Test
    void shouldReadTheVhostAsNuclioDoes() {
        assertThat(AmqpUrl.parse("amqp://h").virtualHost()).isEqualTo("/");
        assertThat(AmqpUrl.parse("amqp://h/").virtualHost()).isEqualTo("/");
        assertThat(AmqpUrl.parse("amqp://h/prod").virtualHost()).isEqualTo("prod");
        assertThat(AmqpUrl.parse("amqp://h/%2Fprod").virtualHost()).isEqualTo("/prod");
        assertThat(AmqpUrl.parse("amqp://h:5673").port()).isEqualTo(5673);
        assertThat(AmqpUrl.parse("amqp://[::1]:5673").host()).isEqualTo("::1");
        assertThat(AmqpUrl.parse("amqp://us%40er:p%3Ass+1@h").username()).isEqualTo("us@er");
        assertThat(AmqpUrl.parse("amqp://us%40er:p%3Ass+1@h").password()).isEqualTo("p:ss+1");
        assertThat(AmqpUrl.parse("amqp://h").username()).isEqualTo("guest");
    }

    @Test
    void shouldLogInAsGuestToTheDefaultVhostWithoutUserInformation() {
        assertThat(AmqpUrl.parse("amqp://127.0.0.1"))
                .isEqualTo(new AmqpUrl(false, "127.0.0.1", 5672, "guest", "guest", "/"));
        assertThat(AmqpUrl.parse("amqp://[::1]:5999/").host()).isEqualTo("::1");
    }

    @Test
    void shouldUseTlsAndItsPortForAmqps() {
        assertThat(AmqpUrl.parse("AMQPS://app@rabbit.example.com/%2Fprod"))
                .isEqualTo(new AmqpUrl(true, "rabbit.example.com", 5671, "app", "", "/prod"));
    }

    @Test
    void shouldReplaceOnlyThePassword() {
        AmqpUrl url = AmqpUrl.parse("amqps://app:s3cret@rabbit:5673/shop");

        assertThat(url.withPassword("from-secret"))
                .isEqualTo(new AmqpUrl(true, "rabbit", 5673, "app", "from-secret", "shop"));
        assertThat(url.password()).isEqualTo("s3cret");
    }

    // ---- the password is never shown ------------------------------------------------------------------

    @Test
    void shouldNeverShowThePassword() {
        AmqpUrl url = AmqpUrl.parse("amqp://app:s3cret@rabbit:5672/prod");

        assertThat(url.redacted()).isEqualTo("amqp://app@rabbit:5672/prod");
        assertThat(url.toString()).doesNotContain("s3cret");
        assertThat(AmqpUrl.parse("amqp://app:s3cret@[::1]/%2Fprod").redacted())
                .isEqualTo("amqp://app@[::1]:5672/%2Fprod");
        assertThat(AmqpUrl.redact("amqp://app:s3cret@rabbit/a/b")).isEqualTo("amqp://app:****@rabbit/a/b");
        assertThat(AmqpUrl.redact("amqp://app:s3cr/et@rabbit:5672/")).isEqualTo("amqp://app:****@rabbit:5672/");
        assertThat(AmqpUrl.redact("amqp://app:p@ss@rabbit/")).isEqualTo("amqp://app:****@rabbit/");
    }

    @Test
    void shouldNeverShowThePasswordOfABadUrl() {
        for (String bad : List.of(
                "http://app:s3cret@rabbit",
                "amqp://app:s3cret@rabbit/a/b",
                "amqp://app:s3cret@rabbit?heartbeat=5",
                "amqp://app:s3cret@rab bit",
                "amqp://app:s3cret@")) {
            assertThatThrownBy(() -> AmqpUrl.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("app:****@")
                    .hasMessageNotContaining("s3cret");
        }
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void shouldSayWhatIsWrongWithTheUrl() {
        assertError(
                "http://app:s3cret@rabbit:5672/", "'http://app:****@rabbit:5672/' must start with amqp:// or amqps://");
        assertError("http://h", "'http://h' must start with amqp:// or amqps://");
        assertError(
                "amqp://h/a/b",
                "'amqp://h/a/b': the vhost must be one path segment; write a '/' inside a vhost name as %2F");
        assertError(
                "amqp://rabbit/?heartbeat=10",
                "'amqp://rabbit/?heartbeat=10': query parameters and fragments are not supported; attributes set the "
                        + "connection");
        assertError(
                "amqp://app:s3cret@",
                "'amqp://app:****@' has no host (or a host name with characters a URL does not allow); expected "
                        + "amqp://user:password@host:port/vhost");
        assertThatThrownBy(() -> AmqpUrl.parse("amqp://app:s3cret@rab bit"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'amqp://app:****@rab bit' is not a valid URL (")
                .hasMessageEndingWith("); expected amqp://user:password@host:port/vhost");
    }

    private static void assertError(String url, String message) {
        assertThatThrownBy(() -> AmqpUrl.parse(url))
                .as(url)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
