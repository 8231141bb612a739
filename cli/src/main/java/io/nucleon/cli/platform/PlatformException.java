package io.nucleon.cli.platform;

/** A platform operation that failed; the message is what the user reads, on one line where possible. */
public final class PlatformException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and, where there is one, what to do about it */
    public PlatformException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
