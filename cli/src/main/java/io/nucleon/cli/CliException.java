package io.nucleon.cli;

/** A command that cannot go on; the message is printed as {@code nucleon: MESSAGE} and the process exits. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(Main.EXIT_BAD_INPUT, message);
    }

    static CliException failed(String message) {
        return new CliException(Main.EXIT_FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}
