package io.nucleon.support.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/** Connection factories of the RabbitMQ client, set up from an {@link AmqpUrl}. */
public final class AmqpConnections {

    private AmqpConnections() {}

    /**
     * A factory that logs in where the URL says; for {@code amqps} over TLS with the JVM's default trust store,
     * verifying the broker's host name. Recovery, timeouts, heartbeat, threads and metrics stay the client's
     * defaults for the caller to set.
     *
     * @param url where the broker is and how to log in
     * @return a new factory, not yet connected
     * @throws IllegalStateException when the JVM has no TLS for an {@code amqps} URL
     */
    public static ConnectionFactory factory(AmqpUrl url) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(url.host());
        factory.setPort(url.port());
        factory.setUsername(url.username());
        factory.setPassword(url.password());
        factory.setVirtualHost(url.virtualHost());
        if (url.tls()) {
            try {
                factory.useSslProtocol(SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no TLS in this JVM for " + url.redacted(), e);
            }
            factory.enableHostnameVerification();
        }
        return factory;
    }
}
