package io.nucleon.trigger.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * A step of connecting to the broker failed: what was being done, what the broker or the network said, and
 * whether it is a <em>refusal</em> (wrong login or vhost, a queue that is missing or declared with other
 * settings, no permission: the configuration must change) or an <em>outage</em> (refused connection,
 * timeout, the broker shutting down: trying again will do). {@link RabbitTrigger#start()} fails on a
 * refusal and keeps trying after an outage.
 */
final class ConnectFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** AMQP reply codes that mean the configuration, not the moment, is wrong. */
    private static final int ACCESS_REFUSED = 403;

    private static final int NOT_FOUND = 404;
    private static final int RESOURCE_LOCKED = 405;
    private static final int PRECONDITION_FAILED = 406;
    private static final int NOT_ALLOWED = 530;

    private final boolean refusal;

    private ConnectFailure(String message, boolean refusal, Throwable cause) {
        super(message, cause);
        this.refusal = refusal;
    }

    /**
     * Describes a failed step.
     *
     * @param step what was being done, e.g. {@code declare queue 'orders'}
     * @param hint what to do about a refusal, or an empty string
     * @param cause what the client threw
     * @return the failure
     */
    static ConnectFailure of(String step, String hint, Throwable cause) {
        int code = replyCode(cause);
        boolean refusal = cause instanceof AuthenticationFailureException
                || cause instanceof PossibleAuthenticationFailureException
                || code == ACCESS_REFUSED
                || code == NOT_FOUND
                || code == RESOURCE_LOCKED
                || code == PRECONDITION_FAILED
                || code == NOT_ALLOWED;
        String said = said(cause);
        String message = "cannot " + step + ": " + said;
        if (refusal && !hint.isEmpty()) {
            message += "; " + hint;
        }
        return new ConnectFailure(message, refusal, cause);
    }

    /** @return the AMQP reply code of a connection or channel close, or 0 */
    static int replyCode(Throwable error) {
        Method reason = closeReason(error);
        if (reason instanceof AMQP.Channel.Close close) {
            return close.getReplyCode();
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return close.getReplyCode();
        }
        return 0;
    }

    /** @return what the broker or the network said, in one line */
    static String said(Throwable error) {
        Method reason = closeReason(error);
        if (reason instanceof AMQP.Channel.Close close) {
            return "RabbitMQ refused: " + close.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return "RabbitMQ closed the connection: " + close.getReplyText();
        }
        if (error instanceof AuthenticationFailureException
                || error instanceof PossibleAuthenticationFailureException) {
            return "RabbitMQ refused the login (" + error.getMessage() + ")";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + text;
    }

    private static Method closeReason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException signal && signal.getReason() != null) {
                return signal.getReason();
            }
        }
        return null;
    }

    /** @return whether the configuration must change (login, vhost, topology), not just the moment */
    boolean refusal() {
        return refusal;
    }
}
