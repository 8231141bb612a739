package io.nucleon.binding.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/**
 * {@code rediss://} against a redis-server of the test's own with TLS only, whose self-signed certificate names
 * {@code localhost}: the binding verifies the certificate chain and the host name.
 */
class RedisTlsIT {

    private static final String TRUST_STORE = "javax.net.ssl.trustStore";
    private static final String TRUST_STORE_PASSWORD = "javax.net.ssl.trustStorePassword";
    private static final String TRUST_STORE_TYPE = "javax.net.ssl.trustStoreType";

    private static BrokerProcess server;

    private final String function = "tls-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startServer() {
        server = BrokerProcess.start("redis-tls", "redis-server", (port, dir) -> {
            makeCertificate(dir);
            return List.of(
                    "--port",
                    "0",
                    "--tls-port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--tls-cert-file",
                    dir.resolve("cert.pem").toString(),
                    "--tls-key-file",
                    dir.resolve("key.pem").toString(),
                    "--tls-ca-cert-file",
                    dir.resolve("cert.pem").toString(),
                    "--tls-auth-clients",
                    "no",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    dir.toString());
        });
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void forgetTrustStore() {
        System.clearProperty(TRUST_STORE);
        System.clearProperty(TRUST_STORE_PASSWORD);
        System.clearProperty(TRUST_STORE_TYPE);
    }

    @Test
    void shouldTalkTlsToAServerItTrusts() throws Exception {
        trustTheServer();

        try (HttpProcessor processor = HttpProcessor.start(
                function, CountingFunction.class.getName(), binding("rediss://localhost:" + server.port()))) {
            assertThat(processor.post("/", "tls").body()).isEqualTo("1 request 1");
        }
        try (Jedis jedis = new Jedis(
                new HostAndPort("localhost", server.port()),
                DefaultJedisClientConfig.builder()
                        .sslOptions(SslOptions.builder()
                                .sslVerifyMode(SslVerifyMode.FULL)
                                .build())
                        .build())) {
            assertThat(jedis.get("tls:count")).isEqualTo("1");
        }
    }

    @Test
    void shouldRefuseAServerWhoseCertificateItDoesNotTrust() {
        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings(
                        function, CountingFunction.class.getName(), binding("rediss://localhost:" + server.port()))))
                .hasMessageContaining("data binding 'cache'")
                .hasMessageContaining("PING to rediss://localhost:" + server.port() + "/0 failed")
                .hasMessageContaining("PKIX path building failed");
    }

    @Test
    void shouldRefuseACertificateThatDoesNotNameTheHost() throws Exception {
        trustTheServer();

        // the certificate names localhost, not 127.0.0.1
        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings(
                        function, CountingFunction.class.getName(), binding("rediss://127.0.0.1:" + server.port()))))
                .hasMessageContaining("data binding 'cache'")
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static String binding(String url) {
        return """
                  dataBindings:
                    cache:
                      kind: redis
                      url: %s
                """.formatted(url);
    }

    /** The JVM's default trust store, which rediss:// uses, becomes one holding the server's certificate. */
    private static void trustTheServer() throws IOException, GeneralSecurityException {
        Path store = server.directory().resolve("trust.p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(server.directory().resolve("cert.pem"))) {
            trust.setCertificateEntry(
                    "redis", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        try (OutputStream out = Files.newOutputStream(store)) {
            trust.store(out, "changeit".toCharArray());
        }
        System.setProperty(TRUST_STORE, store.toString());
        System.setProperty(TRUST_STORE_PASSWORD, "changeit");
        System.setProperty(TRUST_STORE_TYPE, "PKCS12");
    }

    /** A self-signed certificate for {@code localhost}, made with openssl. */
    private static void makeCertificate(Path dir) {
        List<String> command = List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString(),
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost");
        try {
            Process openssl = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile())
                    .start();
            if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (IOException e) {
            String why = "openssl is not available to make a certificate: " + e.getMessage();
            if (SharedBroker.inCi()) {
                throw new AssertionError(why + "; CI must run every broker test");
            }
            Assumptions.abort(why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
