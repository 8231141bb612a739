package io.nucleon.testing.kafka;

/**
 * Entry point of the broker JVM: runs {@code kafka.Kafka}, and exits when the JVM that started it
 * exits. Shutdown hooks do not run when a test JVM is killed (a surefire timeout, kill -9), and an
 * orphaned broker would hold its ports and half a gigabyte until someone noticed.
 *
 * <p>Named so that {@code pgrep -f kafka.Kafka}, the usual check for leftover brokers, finds it.
 */
final class KafkaBrokerProcess {
    /** Kafka's own shutdown hook stops the broker cleanly; this bounds how long it may take. */
    private static final long HALT_AFTER_MS = 15_000;

    private KafkaBrokerProcess() {}

    public static void main(String[] args) {
        ProcessHandle.current()
                .parent()
                .ifPresentOrElse(parent -> parent.onExit().thenRun(KafkaBrokerProcess::exit), KafkaBrokerProcess::exit);
        kafka.Kafka.main(args);
    }

    private static void exit() {
        Thread halt = new Thread(KafkaBrokerProcess::haltLater, "halt-if-shutdown-hangs");
        halt.setDaemon(true);
        halt.start();
        System.exit(1);
    }

    private static void haltLater() {
        try {
            Thread.sleep(HALT_AFTER_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(1);
    }
}
