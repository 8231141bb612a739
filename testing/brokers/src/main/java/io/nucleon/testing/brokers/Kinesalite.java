package io.nucleon.testing.brokers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A kinesalite (a Kinesis emulator on Node.js) of the test's own, on a free loopback port, to {@link
 * #stop()} and {@link #start()} again on the same port. The first use installs {@code kinesalite@}{@value
 * #VERSION} with npm into a cache directory ({@code ~/.cache/nucleon/kinesalite}, or {@code
 * $XDG_CACHE_HOME/nucleon/kinesalite}) and reuses it after that. Without {@code node} and {@code npm} (or
 * when npm cannot install) the test is skipped with a message, or fails in CI ({@link SharedBroker}'s
 * policy).
 *
 * <p>It listens on 127.0.0.1 only (its command line would bind every interface, so a small script starts
 * it), creates, deletes and reshards streams at once rather than after Kinesis's delays, and keeps
 * streams in memory, or on disk with {@link #onDisk()} so that they survive a restart.
 *
 * <p>Clients must speak JSON, not CBOR: kinesalite cannot answer the AWS SDK's CBOR requests (set {@code
 * aws.cborEnabled=false}).
 *
 * <pre>{@code
 * try (Kinesalite kinesis = Kinesalite.onDisk()) {
 *     client with endpointOverride(kinesis.endpoint()); kinesis.stop(); ...; kinesis.start();
 * }
 * }</pre>
 */
public final class Kinesalite implements AutoCloseable {

    /** The kinesalite release installed: {@value}. */
    public static final String VERSION = "3.3.3";

    /** Starts kinesalite on 127.0.0.1: {@code node start.js <port> [data directory]}. */
    private static final String SCRIPT = """
            // Written by io.nucleon.testing.brokers.Kinesalite. kinesalite's CLI binds every interface.
            const kinesalite = require('kinesalite');
            const port = parseInt(process.argv[2], 10);
            const options = {createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 10000};
            if (process.argv[3]) {
              options.path = process.argv[3];
            }
            kinesalite(options).listen(port, '127.0.0.1', () => console.log('kinesalite listening on ' + port));
            """;

    private static Kinesalite shared;

    private final BrokerProcess process;

    private Kinesalite(BrokerProcess process) {
        this.process = process;
    }

    /** @return a kinesalite that keeps streams in memory: a restart starts empty */
    public static Kinesalite inMemory() {
        return start(false);
    }

    /** @return a kinesalite that keeps streams in its directory: they survive {@link #stop()} and {@link #start()} */
    public static Kinesalite onDisk() {
        return start(true);
    }

    /**
     * One in-memory kinesalite for every test of this JVM, started on first use and stopped when the JVM
     * exits. Tests share it by using streams of their own.
     *
     * @return the shared kinesalite
     */
    public static synchronized Kinesalite shared() {
        if (shared == null || !shared.running()) {
            if (shared != null) {
                shared.close();
            }
            shared = inMemory();
            Kinesalite stopping = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(stopping::close, "kinesalite-stop"));
        }
        return shared;
    }

    private static Kinesalite start(boolean persistent) {
        Path home = install();
        Path script = home.resolve("start.js");
        return new Kinesalite(BrokerProcess.start("kinesalite", "node", (port, directory) -> {
            List<String> line = new ArrayList<>(List.of(script.toString(), Integer.toString(port)));
            if (persistent) {
                line.add(directory.resolve("data").toString());
            }
            return line;
        }));
    }

    /** @return {@code http://127.0.0.1:<port>}, for the AWS SDK's {@code endpointOverride} */
    public String endpoint() {
        return "http://" + process.address();
    }

    /** @return the loopback port, the same across restarts */
    public int port() {
        return process.port();
    }

    /** @return whether the process runs */
    public boolean running() {
        return process.running();
    }

    /** Starts kinesalite (again) on the same port and waits until it accepts connections. */
    public void start() {
        process.start();
    }

    /** Stops kinesalite and waits until it is gone: the endpoint refuses connections until {@link #start()}. */
    public void stop() {
        process.stop();
    }

    /** Stops kinesalite and deletes its directory. */
    @Override
    public void close() {
        process.close();
    }

    // ---- installation ---------------------------------------------------------------------------------

    /** @return the directory holding node_modules/kinesalite and start.js, installing them when missing */
    @SuppressWarnings("try") // the lock is held for the block's length, not used in it
    static Path install() {
        Path home = cacheDirectory();
        try {
            Files.createDirectories(home);
            try (FileChannel lockFile = FileChannel.open(
                            home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (!installed(home)) {
                    npmInstall(home);
                }
                Path script = home.resolve("start.js");
                if (!Files.exists(script) || !Files.readString(script).equals(SCRIPT)) {
                    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare kinesalite in " + home + ": " + e.getMessage(), e);
        }
        return home;
    }

    private static Path onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path path = Path.of(dir, binary);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
        return cache.resolve("nucleon").resolve("kinesalite");
    }

    private static boolean installed(Path home) throws IOException {
        Path manifest = home.resolve("node_modules/kinesalite/package.json");
        return Files.exists(manifest) && Files.readString(manifest).contains("\"version\": \"" + VERSION + "\"");
    }

    private static void npmInstall(Path home) throws IOException {
        if (onPath("node") == null || onPath("npm") == null) {
            SharedBroker.unavailable("node and npm are needed to run kinesalite (apt-get install nodejs npm)");
        }
        Path log = home.resolve("npm-install.log");
        Process npm = new ProcessBuilder(
                        "npm",
                        "install",
                        "--prefix",
                        home.toString(),
                        "--no-audit",
                        "--no-fund",
                        "kinesalite@" + VERSION)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                SharedBroker.unavailable(
                        "npm install kinesalite@" + VERSION + " did not finish in 5 minutes (log: " + log + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing kinesalite", e);
        }
        if (npm.exitValue() != 0 || !installed(home)) {
            SharedBroker.unavailable("npm install kinesalite@" + VERSION + " failed (exit " + npm.exitValue() + "): "
                    + Files.readString(log).strip());
        }
    }
}
