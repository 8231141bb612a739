package io.nucleon.testing.brokers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy of the test's own between a client and a broker, for outage tests against a broker that must
 * keep running (the shared RabbitMQ, say): {@link #cut()} closes every proxied connection and stops
 * listening, so the client sees the broker go away (connection reset, then connection refused);
 * {@link #restore()} listens again on the same port.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5672)) {
 *     connect the client to proxy.port(); proxy.cut(); ...; proxy.restore();
 * }
 * }</pre>
 *
 * <p>Bytes are copied by two threads per connection; fine for tests, not for load.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private ServerSocket server;

    private TcpProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param targetHost where connections go
     * @param targetPort the target's port
     * @return the listening proxy
     */
    public static TcpProxy start(String targetHost, int targetPort) {
        TcpProxy proxy = new TcpProxy(targetHost, targetPort, BrokerProcess.freePort());
        proxy.restore();
        return proxy;
    }

    /** @return the proxy's loopback port, the same after {@link #restore()} */
    public int port() {
        return port;
    }

    /** @return whether the proxy listens now */
    public synchronized boolean listening() {
        return server != null;
    }

    /** @return client connections proxied now */
    public int connections() {
        return sockets.size() / 2;
    }

    /** Listens again (a no-op while listening). */
    public synchronized void restore() {
        if (server != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            server = socket;
        } catch (IOException e) {
            throw new IllegalStateException("proxy cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        ServerSocket listening = server;
        Thread.ofPlatform().daemon(true).name("tcp-proxy-" + port).start(() -> accept(listening));
    }

    /** Stops listening and closes every proxied connection, both sides. */
    public synchronized void cut() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** Cuts for good. */
    @Override
    public void close() {
        cut();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                connect(client);
            } catch (IOException e) {
                // closed by cut(), or one client failed: go on while listening
            }
        }
    }

    private void connect(Socket client) {
        Socket target = new Socket();
        try {
            target.connect(new InetSocketAddress(targetHost, targetPort), 5000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(target);
            return;
        }
        sockets.add(client);
        sockets.add(target);
        synchronized (this) {
            if (server == null) { // cut while connecting
                cut();
                return;
            }
        }
        pump(client, target);
        pump(target, client);
    }

    private void pump(Socket from, Socket to) {
        Thread.ofPlatform().daemon(true).name("tcp-proxy-" + port + "-pump").start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                }
            } catch (SocketException e) {
                // closed by cut() or by the other side
            } catch (IOException e) {
                // the same, reported differently
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
