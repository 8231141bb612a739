package io.nucleon.cli.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Port checks made before a processor starts, so that a taken port is a clear error, not a crash. */
public final class Ports {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int TRIES = 200;

    private Ports() {}

    /**
     * A port for a processor that starts a moment later. It is taken below the kernel's ephemeral range where
     * that range is known: a port from inside it can be given to any outgoing connection in the meantime (a
     * Maven download, a broker client), and the processor would then fail to listen on it.
     *
     * @return a port nothing listens on or is bound to now, on any address
     */
    public static int free() {
        int below = ephemeralLow();
        if (below > LOWEST + TRIES) {
            for (int i = 0; i < TRIES; i++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
                if (!inUse("0.0.0.0", port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    /**
     * @param host the address the trigger binds ({@code 0.0.0.0} for all)
     * @param port the port
     * @return whether something listens there already
     */
    public static boolean inUse(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port), 1);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** @return the first port of the kernel's ephemeral range; 0 where it cannot be read (not Linux) */
    private static int ephemeralLow() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
