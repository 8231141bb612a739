package io.nucleon.testing.brokers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * A broker the machine runs on its standard port (RabbitMQ, NATS, Mosquitto, Redis, PostgreSQL on 127.0.0.1). Tests
 * call {@link #require()} first: without the broker they are skipped with a message saying what to start,
 * except in CI ({@code CI=true}), where a missing broker fails the test so integration tests never go
 * silently unrun.
 *
 * @param name the broker's name in messages, e.g. {@code RabbitMQ}
 * @param host where it listens
 * @param port its port
 * @param howToStart what a developer runs to get it
 */
public record SharedBroker(String name, String host, int port, String howToStart) {

    /** NATS with JetStream on 127.0.0.1:4222. */
    public static final SharedBroker NATS =
            new SharedBroker("NATS", "127.0.0.1", 4222, "nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/nats");
    /** RabbitMQ on 127.0.0.1:5672, guest/guest. */
    public static final SharedBroker RABBITMQ = new SharedBroker(
            "RabbitMQ", "127.0.0.1", 5672, "apt-get install rabbitmq-server (guest/guest on 127.0.0.1:5672)");
    /** Mosquitto on 127.0.0.1:1883. */
    public static final SharedBroker MOSQUITTO =
            new SharedBroker("Mosquitto", "127.0.0.1", 1883, "apt-get install mosquitto, then mosquitto -d");
    /** Redis on 127.0.0.1:6379. */
    public static final SharedBroker REDIS =
            new SharedBroker("Redis", "127.0.0.1", 6379, "apt-get install redis-server");

    /** PostgreSQL on 127.0.0.1:5432, trust authentication, database {@code test}. */
    public static final SharedBroker POSTGRES = new SharedBroker(
            "PostgreSQL",
            "127.0.0.1",
            5432,
            "apt-get install postgresql; trust authentication for 127.0.0.1 and a database named test");

    /** @return whether tests run in CI, where nothing may be skipped */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test when the broker does not answer, or fails it in CI.
     *
     * @return this, for chaining
     */
    public SharedBroker require() {
        if (!reachable()) {
            unavailable(name + " is not reachable on " + host + ":" + port + " (start it: " + howToStart + ")");
        }
        return this;
    }

    /** @return {@code host:port} */
    public String address() {
        return host + ":" + port;
    }

    /** @return whether a TCP connection to the broker succeeds within a second */
    public boolean reachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Skips the calling test, or fails it in CI.
     *
     * @param why what is missing and how to get it
     */
    static void unavailable(String why) {
        if (inCi()) {
            throw new AssertionError(why + "; CI must run every broker test");
        }
        Assumptions.abort(why + "; skipping");
    }
}
