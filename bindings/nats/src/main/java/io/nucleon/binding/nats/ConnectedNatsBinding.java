package io.nucleon.binding.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** What functions get: the binding's connection and its JetStream context, shared by every worker. */
final class ConnectedNatsBinding implements NatsBinding {

    /** What jnats puts in the IOException when the server answers a JetStream publish with 503. */
    private static final String NO_RESPONDERS = "No Responders";

    private final Connection connection;
    private final JetStream jetStream;

    ConnectedNatsBinding(Connection connection, JetStream jetStream) {
        this.connection = connection;
        this.jetStream = jetStream;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public void publish(String subject, byte[] data) {
        connection.publish(subject, data);
    }

    @Override
    public void publish(String subject, String data) {
        connection.publish(subject, data.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void publish(String subject, Headers headers, byte[] data) {
        connection.publish(subject, headers, data);
    }

    @Override
    public Message request(String subject, byte[] data, Duration timeout)
            throws TimeoutException, InterruptedException {
        Message reply = connection.request(subject, data, timeout);
        if (reply == null) {
            // jnats answers null both for a timeout and for the server's "no responders"
            throw new TimeoutException("no reply to a request on '" + subject + "' within " + timeout.toMillis()
                    + " ms: no responder subscribes to it, or none answered in time");
        }
        return reply;
    }

    @Override
    public PublishAck publishJetStream(String subject, byte[] data) throws IOException, JetStreamApiException {
        try {
            return jetStream.publish(subject, data);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains(NO_RESPONDERS)) {
                throw new IOException(noStream(subject), e);
            }
            throw e;
        }
    }

    private String noStream(String subject) {
        boolean jetStreamOn =
                connection.getServerInfo() == null || connection.getServerInfo().isJetStreamAvailable();
        return jetStreamOn
                ? "no JetStream stream captures subject '" + subject
                        + "': create a stream whose subjects include it, or publish with publish() for core NATS"
                : "cannot publish to JetStream subject '" + subject
                        + "': the NATS server has JetStream turned off (start it with -js)";
    }

    @Override
    public JetStream jetStream() {
        return jetStream;
    }

    @Override
    public String toString() {
        return "NatsBinding[" + connection.getStatus() + "]";
    }
}
