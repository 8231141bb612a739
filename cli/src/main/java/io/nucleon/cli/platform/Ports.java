package io.nucleon.cli.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks made before a processor starts, so that a taken port is a clear error, not a crash. */
public final class Ports {

    private Ports() {}

    /** @return a port that was free a moment ago, on the loopback address */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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
}
