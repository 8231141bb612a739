package io.nucleon.binding.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nucleon.config.DataBindingConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.runtime.spi.DataBindingContext;
import io.nucleon.testing.brokers.SharedBroker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.Jedis;

/**
 * The shared Redis from the test's side: an independent Jedis connection, unique names, the server's client list,
 * and bindings made without a processor.
 */
final class RedisFixture implements AutoCloseable {

    private final Jedis jedis = new Jedis(SharedBroker.REDIS.host(), SharedBroker.REDIS.port());
    private final List<String> keys = new ArrayList<>();

    /** @return the test's own connection */
    Jedis jedis() {
        return jedis;
    }

    /**
     * @param prefix what the name says it is for
     * @return a name no other test uses; keys starting with it are deleted at {@link #close()}
     */
    String unique(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        keys.add(name);
        return name;
    }

    /**
     * @param clientName a {@code CLIENT SETNAME}
     * @return the connections of that name, one {@code CLIENT LIST} line each
     */
    List<String> clients(String clientName) {
        return jedis.clientList()
                .lines()
                .filter(line -> Arrays.asList(line.split(" ")).contains("name=" + clientName))
                .toList();
    }

    /**
     * @param clientLine one {@code CLIENT LIST} line
     * @param field e.g. {@code id}
     * @return the field's value
     */
    static String field(String clientLine, String field) {
        return Arrays.stream(clientLine.split(" "))
                .filter(part -> part.startsWith(field + "="))
                .map(part -> part.substring(field.length() + 1))
                .findFirst()
                .orElseThrow();
    }

    /**
     * @param functionName the function's name
     * @param attributes lines under {@code attributes:} of a binding named {@code cache}
     * @return the context the processor would hand the factory
     */
    static DataBindingContext context(String functionName, List<String> attributes) {
        StringBuilder yaml = new StringBuilder("""
                metadata:
                  name: %s
                spec:
                  handler: com.example.Handler
                  triggers:
                    web:
                      kind: http
                  dataBindings:
                    cache:
                      kind: redis
                      attributes:
                """.formatted(functionName));
        attributes.forEach(line -> yaml.append("        ").append(line).append('\n'));
        DataBindingConfig binding = FunctionConfigLoader.parse(yaml.toString(), "function.yaml")
                .spec()
                .dataBindings()
                .get("cache");
        return new DataBindingContext(binding, functionName, Map.of(), new SimpleMeterRegistry());
    }

    /** Deletes the keys the test named with {@link #unique}, then closes the connection. */
    @Override
    public void close() {
        for (String prefix : keys) {
            for (String key : jedis.keys(prefix + "*")) {
                jedis.del(key);
            }
        }
        jedis.close();
    }
}
