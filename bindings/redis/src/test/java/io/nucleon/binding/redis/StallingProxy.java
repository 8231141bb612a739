package io.nucleon.binding.redis;

import io.nucleon.testing.brokers.BrokerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy that can make its open connections go silent without closing them, as a dead NAT entry or a
 * half-open connection does: {@link #stall()} drops every byte of the connections open now, in both directions,
 * while their sockets stay open; connections made later are proxied normally.
 */
final class StallingProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();

    /** One client connection and its upstream; {@code stalled} drops what either side sends. */
    private static final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean stalled;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }
    }

    private StallingProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", BrokerProcess.freePort()));
        Thread.ofPlatform().daemon(true).name("stalling-proxy-accept").start(this::accept);
    }

    static StallingProxy start(String targetHost, int targetPort) throws IOException {
        return new StallingProxy(targetHost, targetPort);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Silences every connection open now, for good. */
    void stall() {
        links.forEach(link -> link.stalled = true);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                Link link = new Link(client, upstream);
                links.add(link);
                pump(link, client, upstream);
                pump(link, upstream, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void pump(Link link, Socket from, Socket to) {
        Thread.ofPlatform().daemon(true).name("stalling-proxy-pump").start(() -> {
            byte[] buffer = new byte[8192];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (!link.stalled) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Link link : links) {
            closeQuietly(link.client);
            closeQuietly(link.upstream);
        }
    }
}
