package io.nucleon.binding.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;

/** What RabbitMQ or the network said when a client call failed, in one line fit for an error message. */
final class AmqpFailures {

    private AmqpFailures() {}

    /**
     * @param error what the client threw
     * @return the broker's reply text for a closed channel or connection, the refused login, or the innermost
     *     cause's class and message
     */
    static String said(Throwable error) {
        Method reason = closeReason(error);
        if (reason instanceof AMQP.Channel.Close close) {
            return "RabbitMQ closed the channel: " + close.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return "RabbitMQ closed the connection: " + close.getReplyText();
        }
        if (refusedLogin(error)) {
            return "RabbitMQ refused the login (" + error.getMessage() + ")";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + text;
    }

    /**
     * @param error what the client threw
     * @return whether RabbitMQ refused the user or the password
     */
    static boolean refusedLogin(Throwable error) {
        return error instanceof AuthenticationFailureException
                || error instanceof PossibleAuthenticationFailureException;
    }

    private static Method closeReason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException signal && signal.getReason() != null) {
                return signal.getReason();
            }
        }
        return null;
    }
}
