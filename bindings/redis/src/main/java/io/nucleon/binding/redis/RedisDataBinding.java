package io.nucleon.binding.redis;

import io.nucleon.runtime.spi.DataBinding;
import redis.clients.jedis.Connection;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The processor's side of a {@code redis} binding: owns the pooled client and the subscriptions, hands every
 * worker the same {@link RedisBinding}, checks with a PING and closes everything at shutdown.
 */
final class RedisDataBinding implements DataBinding {

    private final RedisBindingConfig config;
    private final RedisClient client;
    private final RedisSubscriptions subscriptions;
    private final RedisBinding binding;

    /**
     * Builds the client; connects nothing yet (the pool opens connections on first use).
     *
     * @param name the binding's name
     * @param clientName the connections' name in Redis's {@code CLIENT LIST}
     * @param config the validated attributes
     */
    RedisDataBinding(String name, String clientName, RedisBindingConfig config) {
        this.config = config;
        this.client = RedisClient.builder()
                .hostAndPort(config.hostAndPort())
                .clientConfig(config.clientConfig(clientName))
                .poolConfig(config.poolConfig())
                .build();
        var subscriptionConfig = config.subscriptionConfig(clientName + ":sub");
        this.subscriptions = new RedisSubscriptions(
                name,
                () -> new Connection(config.hostAndPort(), subscriptionConfig),
                config.heartbeatInterval(),
                config.connectTimeout().plus(config.socketTimeout()));
        this.binding = new RedisBinding(client, subscriptions);
    }

    @Override
    public Class<?> type() {
        return RedisBinding.class;
    }

    /** A PING through the pool: connects, logs in, selects the database; bounded by the two timeouts. */
    @Override
    public void check() {
        String answer;
        try {
            answer = client.ping();
        } catch (JedisException e) {
            throw new IllegalStateException("PING to " + config.url() + " failed: " + e.getMessage(), e);
        }
        if (!"PONG".equals(answer)) {
            throw new IllegalStateException("PING to " + config.url() + " answered '" + answer + "', not PONG");
        }
    }

    @Override
    public Object forWorker() {
        return binding;
    }

    /** @return the binding's subscriptions, for tests */
    RedisSubscriptions subscriptions() {
        return subscriptions;
    }

    /** Ends the subscriptions (bounded wait), then closes the pool's connections. */
    @Override
    public void close() {
        try {
            subscriptions.close();
        } finally {
            client.close();
        }
    }
}
