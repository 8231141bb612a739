package io.nucleon.testing.kafka;

/**
 * Runs a {@link KafkaBroker} from the command line, for the Kafka examples: prints {@code
 * bootstrap.servers=127.0.0.1:<port>} on one line of standard output and runs until stopped. Ctrl-C
 * (or SIGTERM) stops the broker and deletes its data. {@code scripts/kafka-broker.sh} builds the
 * classpath and runs it.
 *
 * <pre>{@code
 * java -cp <classes and jars> io.nucleon.testing.kafka.KafkaBrokerMain [port]
 * }</pre>
 *
 * <p>Without a port, or with 0, a free port is chosen.
 */
public final class KafkaBrokerMain {
    private KafkaBrokerMain() {}

    /**
     * Starts the broker and blocks until it is stopped.
     *
     * @param args an optional client port
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length == 0 ? 0 : parsePort(args[0]);
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(port);
        } catch (RuntimeException e) {
            // The message holds the reason and the broker's log; a stack trace would bury them.
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        System.err.println("Kafka broker running (" + broker + "). Press Ctrl-C to stop it.");
        // The broker's shutdown hook stops it on Ctrl-C; this returns early only if it dies on its own.
        int exitCode = broker.awaitProcessExit();
        if (!broker.closed()) {
            System.err.println("The Kafka broker exited with code " + exitCode + ".\n" + broker.logTail());
            broker.close();
            System.exit(1);
        }
    }

    private static int parsePort(String arg) {
        try {
            int port = Integer.parseInt(arg);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the usage.
        }
        System.err.println("Usage: KafkaBrokerMain [port]   (port: 1-65535, or 0 for a free one; got '" + arg + "')");
        System.exit(2);
        return 0;
    }
}
