package io.nucleon.testing.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/** Starts the JVMs of one broker: the one-off storage format, and the broker itself. */
final class BrokerCommand {
    /**
     * Sized for tests (~200-400 MB resident). C1 only: on a two-core machine the C2 compiler competes
     * with startup for the CPU, and a cold start took 7-8 s with it against 3-4 s without; tests need
     * a broker that starts fast more than one that peaks high.
     */
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms64m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true");

    /** Silences JDK 24+ warnings about Scala's and the compression codecs' use of Unsafe and JNI. */
    private static final List<String> JDK24_OPTIONS =
            List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");

    private static final int FORMAT_OUTPUT_LINES = 40;

    private final BrokerFiles files;
    private final String classpath;

    BrokerCommand(BrokerFiles files, String classpath) {
        this.files = files;
        this.classpath = classpath;
    }

    /**
     * Formats the data directory as a new cluster (the broker refuses to start on an unformatted one)
     * and returns the cluster's id.
     */
    String format(Deadline deadline) {
        // The same generator `kafka-storage.sh random-uuid` uses, without paying for another JVM start.
        String clusterId = Uuid.randomUuid().toString();
        Process process = start(
                List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props()), files.formatOutput());
        if (!waitFor(process, deadline)) {
            process.destroyForcibly();
            throw new IllegalStateException("Kafka storage format did not finish in time.\n" + formatTail());
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "Kafka storage format failed with exit code " + process.exitValue() + ".\n" + formatTail());
        }
        return clusterId;
    }

    Process startBroker() {
        return start(List.of(KafkaBrokerProcess.class.getName(), props()), files.processOutput());
    }

    private Process start(List<String> mainClassAndArgs, Path output) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        if (Runtime.version().feature() >= 24) {
            command.addAll(JDK24_OPTIONS);
        }
        command.add("-Dlog4j2.configurationFile=" + files.log4jConfig());
        command.add("-cp");
        command.add(classpath);
        command.addAll(mainClassAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(files.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(output.toFile()));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    private String props() {
        return files.serverProperties().toString();
    }

    private String formatTail() {
        return BrokerFiles.tail(files.formatOutput(), FORMAT_OUTPUT_LINES);
    }

    private static boolean waitFor(Process process, Deadline deadline) {
        try {
            return process.waitFor(deadline.remainingMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("Interrupted while formatting the Kafka broker's storage", e);
        }
    }
}
