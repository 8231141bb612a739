package io.nucleon.testing.brokers;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker binary the test runs itself, on a free loopback port, so that an outage test can {@link
 * #stop()} it and {@link #start()} it again on the same port while the shared broker keeps running.
 * Its output goes to a log file in {@link #directory()}, shown in the error when it does not start.
 *
 * <pre>{@code
 * try (BrokerProcess nats = BrokerProcess.nats()) {
 *     connect to nats.url(); nats.stop(); ...; nats.start();
 * }
 * }</pre>
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Path binary;
    private final Command command;
    private final int port;
    private final Path directory;
    private Process process;

    private BrokerProcess(String name, Path binary, Command command) {
        this.name = name;
        this.binary = binary;
        this.command = command;
        this.port = freePort();
        try {
            this.directory = Files.createTempDirectory("nucleon-" + name + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a broker.
     *
     * @param name the broker's name, for messages and the directory
     * @param binary the executable, looked up on the PATH and in /usr/sbin unless it is a path
     * @param command the arguments, given the port and the broker's directory
     * @return the running broker (skips the test without the binary, or fails it in CI)
     */
    public static BrokerProcess start(String name, String binary, Command command) {
        Path found = binary.contains("/") ? Path.of(binary) : onPath(binary);
        if (found == null) {
            SharedBroker.unavailable(binary + " is not on the PATH (a test of " + name + " starts one of its own)");
        }
        BrokerProcess broker = new BrokerProcess(name, found, command);
        broker.start();
        return broker;
    }

    /** A nats-server with JetStream, storing in its own directory. */
    public static BrokerProcess nats() {
        return start(
                "nats",
                "nats-server",
                (port, dir) -> List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", dir.toString()));
    }

    /** A mosquitto on loopback, with a config file of its own (persistent sessions kept in memory). */
    public static BrokerProcess mosquitto() {
        return start("mosquitto", "mosquitto", (port, dir) -> {
            Path config = dir.resolve("mosquitto.conf");
            try {
                Files.writeString(
                        config,
                        "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                                + "max_queued_messages 100000\n");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return List.of("-c", config.toString());
        });
    }

    /** Builds a broker's arguments. */
    @FunctionalInterface
    public interface Command {
        /**
         * @param port the port the broker must listen on
         * @param directory a directory of the broker's own
         * @return the arguments after the executable
         */
        List<String> line(int port, Path directory);
    }

    /** @return the loopback port, the same across restarts */
    public int port() {
        return port;
    }

    /** @return {@code 127.0.0.1:port} */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** @return the broker's own directory (data, config, log) */
    public Path directory() {
        return directory;
    }

    /** @return whether the process runs */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the broker (again) and waits until its port accepts connections. */
    public synchronized void start() {
        if (running()) {
            return;
        }
        Path log = directory.resolve(name + ".log");
        try {
            List<String> line = new ArrayList<>();
            line.add(binary.toString());
            line.addAll(command.line(port, directory));
            process = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not start on port " + port + ": " + tail(log));
            }
            pause();
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public void close() {
        stop();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    /** @return a loopback port nobody listens on now */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String candidate : List.of(dir, "/usr/sbin", "/sbin")) {
                Path path = Path.of(candidate, binary);
                if (Files.isExecutable(path)) {
                    return path;
                }
            }
        }
        return null;
    }

    private static String tail(Path log) {
        try {
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }
}
