package io.nucleon.support.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.Test;

/** The client's connection factory as the URL sets it up; no network. */
class AmqpConnectionsTest {

    @Test
    void shouldLogInWhereTheUrlSays() {
        ConnectionFactory factory = AmqpConnections.factory(AmqpUrl.parse("amqp://app:s3cret@rabbit:5673/prod"));

        assertThat(factory.getHost()).isEqualTo("rabbit");
        assertThat(factory.getPort()).isEqualTo(5673);
        assertThat(factory.getUsername()).isEqualTo("app");
        assertThat(factory.getPassword()).isEqualTo("s3cret");
        assertThat(factory.getVirtualHost()).isEqualTo("prod");
        assertThat(factory.isSSL()).isFalse();
    }

    @Test
    void shouldUseTlsForAmqps() {
        ConnectionFactory factory = AmqpConnections.factory(AmqpUrl.parse("amqps://rabbit.example.com"));

        assertThat(factory.isSSL()).isTrue();
        assertThat(factory.getPort()).isEqualTo(5671);
        assertThat(factory.getUsername()).isEqualTo("guest");
        assertThat(factory.getVirtualHost()).isEqualTo("/");
    }

    @Test
    void shouldLeaveRecoveryAndTimeoutsToTheCaller() {
        ConnectionFactory factory = AmqpConnections.factory(AmqpUrl.parse("amqp://rabbit"));
        ConnectionFactory defaults = new ConnectionFactory();

        assertThat(factory.isAutomaticRecoveryEnabled()).isEqualTo(defaults.isAutomaticRecoveryEnabled());
        assertThat(factory.getConnectionTimeout()).isEqualTo(defaults.getConnectionTimeout());
        assertThat(factory.getRequestedHeartbeat()).isEqualTo(defaults.getRequestedHeartbeat());
    }
}
