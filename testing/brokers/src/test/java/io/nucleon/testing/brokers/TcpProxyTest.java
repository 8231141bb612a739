package io.nucleon.testing.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a small echo server: bytes pass, a cut closes connections and refuses new ones. */
class TcpProxyTest {

    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon(true).start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread.ofPlatform().daemon(true).start(() -> echoAll(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    @Test
    void shouldCarryBytesCutConnectionsRefuseWhileCutAndListenAgain() throws Exception {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            Socket client = connect(proxy.port());
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");

            proxy.cut();

            assertThat(client.getInputStream().read())
                    .as("the proxied connection is closed")
                    .isEqualTo(-1);
            assertThatThrownBy(() -> connect(proxy.port())).isInstanceOf(ConnectException.class);
            assertThat(proxy.listening()).isFalse();

            proxy.restore();

            try (Socket again = connect(proxy.port())) {
                assertThat(roundTrip(again, "back")).isEqualTo("back");
            }
            client.close();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes());
        byte[] buffer = new byte[text.length()];
        int read = 0;
        while (read < buffer.length) {
            int n = socket.getInputStream().read(buffer, read, buffer.length - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return new String(buffer, 0, read);
    }

    private static void echoAll(Socket socket) {
        try (socket;
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the proxy cut the connection
        }
    }
}
