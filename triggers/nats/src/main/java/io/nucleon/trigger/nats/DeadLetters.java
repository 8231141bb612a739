package io.nucleon.trigger.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.impl.Headers;
import io.nucleon.runtime.stream.DeliveryFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a copy of a message whose attempts are used up to {@code deadLetterSubject}, with its headers
 * and {@code nucleon-dlq-*} headers that say why. Called on the trigger's settle thread; a failure throws,
 * and the dispatcher tries again after {@code maxBackoff}.
 *
 * <p>With JetStream, when a stream captures the subject, it publishes through JetStream, so the call
 * returns only once the stream has stored the copy. Otherwise (no stream captures it, checked at most
 * once a minute), and always for core NATS, it publishes a plain message and flushes: the server then
 * has it, but only subscribers listening at that moment get it. (A JetStream publish to a subject no
 * stream keeps would wait for an answer that never comes whenever a plain subscriber listens there.)
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);
    private static final long RECHECK_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Connection connection;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final String subject;
    private final String functionName;
    private final String triggerName;
    private volatile boolean warnedNoStream;
    private boolean captured;
    private long checkedNanos;
    private boolean checked;

    /**
     * @param connection the trigger's connection
     * @param jetStream the JetStream context, or {@code null} to publish plain messages
     * @param management to find whether a stream captures the subject, with {@code jetStream}
     * @param subject the dead-letter subject
     * @param functionName for the headers
     * @param triggerName for the headers and logs
     */
    DeadLetters(
            Connection connection,
            JetStream jetStream,
            JetStreamManagement management,
            String subject,
            String functionName,
            String triggerName) {
        this.connection = connection;
        this.jetStream = jetStream;
        this.management = management;
        this.subject = subject;
        this.functionName = functionName;
        this.triggerName = triggerName;
    }

    /**
     * Publishes the dead-letter copy and waits until the server has it.
     *
     * @param message the message whose attempts are used up
     * @param failure why
     * @throws Exception when the server did not take it (disconnected, refused, timed out)
     */
    void publish(NatsMessage message, DeliveryFailure failure) throws Exception {
        Headers headers = message.deadLetterHeaders(failure, functionName, triggerName);
        if (jetStream != null && capturedByAStream()) {
            try {
                jetStream.publish(subject, headers, message.data());
                return;
            } catch (IOException e) {
                if (!noResponders(e)) {
                    throw e;
                }
                checked = false; // the stream went away: look again next time
                warnNoStream();
            } catch (JetStreamApiException e) {
                throw new IOException("JetStream refused the dead letter on '" + subject + "': " + e.getMessage(), e);
            }
        }
        connection.publish(subject, headers, message.data());
        try {
            connection.flush(FLUSH_TIMEOUT);
        } catch (TimeoutException e) {
            throw new IOException(
                    "NATS did not confirm the dead letter on '" + subject + "' within " + FLUSH_TIMEOUT, e);
        }
    }

    /** Called on the settle thread only. */
    private boolean capturedByAStream() throws IOException, JetStreamApiException {
        long now = System.nanoTime();
        if (!checked || now - checkedNanos > RECHECK_NANOS) {
            captured = !management.getStreamNames(subject).isEmpty();
            checked = true;
            checkedNanos = now;
            if (!captured) {
                warnNoStream();
            }
        }
        return captured;
    }

    private static boolean noResponders(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("No Responders");
    }

    private void warnNoStream() {
        if (!warnedNoStream) {
            warnedNoStream = true;
            LOG.atWarn()
                    .setMessage("no JetStream stream captures the dead-letter subject: dead letters go out as plain "
                            + "NATS messages, which only current subscribers get; add the subject to a stream "
                            + "to keep them")
                    .addKeyValue("trigger", triggerName)
                    .addKeyValue("deadLetterSubject", subject)
                    .log();
        }
    }
}
