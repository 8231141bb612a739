package io.nucleon.binding.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.brokers.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisBinding#subscribe} on a binding made without a processor: heartbeat, silent and refused connections,
 * and closing by handle, by the listener itself and by the binding. Timeouts are short (200 ms) so that a
 * subscription's read gives up after 600 ms without an answer.
 */
class RedisSubscriptionIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private RedisFixture redis;
    private RedisDataBinding dataBinding;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void requireRedis() {
        SharedBroker.REDIS.require();
        redis = new RedisFixture();
    }

    @AfterEach
    void cleanUp() {
        if (dataBinding != null) {
            dataBinding.close();
        }
        redis.close();
    }

    @Test
    void shouldKeepAQuietSubscriptionOnItsConnectionWithHeartbeats() {
        String function = redis.unique("quiet");
        String channel = redis.unique("nucleon-it-quiet");
        // heartbeats 1 s apart, a read timeout of 3 s, a 1 s connect timeout: room for a CI machine's delays
        RedisBinding binding = open(function, 6379, "1s", "1s");

        binding.subscribe(channel, this::collect);
        String id = RedisFixture.field(subscriptionClient(function), "id");

        // past the read timeout without a message: only the pongs keep the read from timing out
        await().atMost(WAIT).until(() -> {
            List<String> lines = redis.clients("nucleon:" + function + ":cache:sub");
            return lines.size() == 1 && Integer.parseInt(RedisFixture.field(lines.get(0), "age")) >= 4;
        });
        String line = subscriptionClient(function);
        assertThat(RedisFixture.field(line, "id")).isEqualTo(id);
        assertThat(RedisFixture.field(line, "cmd")).isEqualTo("ping");
        assertThat(redis.jedis().publish(channel, "still here")).isEqualTo(1);
        await().atMost(WAIT).until(() -> received.equals(List.of(channel + "=still here")));
    }

    @Test
    void shouldSubscribeAgainWhenItsConnectionGoesSilent() throws Exception {
        String function = redis.unique("silent");
        String channel = redis.unique("nucleon-it-silent");
        try (StallingProxy proxy = StallingProxy.start(SharedBroker.REDIS.host(), SharedBroker.REDIS.port())) {
            RedisBinding binding = open(function, proxy.port());
            binding.subscribe(channel, this::collect);
            redis.jedis().publish(channel, "before");
            await().atMost(WAIT).until(() -> received.contains(channel + "=before"));

            proxy.stall(); // no error, no FIN: only the missing pongs tell

            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                redis.jedis().publish(channel, "after");
                return received.contains(channel + "=after");
            });
        }
    }

    @Test
    void shouldKeepTryingWhileRedisIsUnreachableAndSubscribeOnceItIsBack() {
        String function = redis.unique("unreachable");
        String channel = redis.unique("nucleon-it-unreachable");
        try (TcpProxy proxy = TcpProxy.start(SharedBroker.REDIS.host(), SharedBroker.REDIS.port())) {
            RedisBinding binding = open(function, proxy.port());
            proxy.cut();

            AutoCloseable handle = binding.subscribe(
                    channel, this::collect); // returns after 400 ms (connect + socket timeout), unconfirmed
            assertThat(((RedisSubscription) handle).thread().isAlive()).isTrue();
            assertThat(redis.jedis().publish(channel, "lost")).isZero();

            proxy.restore();

            await().atMost(WAIT).until(() -> redis.jedis().publish(channel, "back") > 0);
            await().atMost(WAIT).until(() -> received.contains(channel + "=back"));
            assertThat(received).doesNotContain(channel + "=lost");
        }
    }

    @Test
    void shouldEndTheSubscriptionWhenItsHandleIsClosed() throws Exception {
        String function = redis.unique("handle");
        String channel = redis.unique("nucleon-it-handle");
        RedisBinding binding = open(function, 6379);
        AutoCloseable handle = binding.subscribe(channel, this::collect);
        assertThat(numberOfSubscribers(channel)).isEqualTo(1);

        handle.close();
        handle.close(); // a second close does nothing

        assertThat(((RedisSubscription) handle).thread().isAlive()).isFalse();
        assertThat(dataBinding.subscriptions().size()).isZero();
        await().atMost(WAIT).until(() -> numberOfSubscribers(channel) == 0);
        assertThat(redis.clients("nucleon:" + function + ":cache:sub")).isEmpty();
    }

    @Test
    void shouldLetTheListenerCloseItsOwnSubscription() {
        String function = redis.unique("self-closing");
        String channel = redis.unique("nucleon-it-self-closing");
        RedisBinding binding = open(function, 6379);
        AtomicReference<AutoCloseable> handle = new AtomicReference<>();
        handle.set(binding.subscribe(channel, (from, message) -> {
            collect(from, message);
            try {
                handle.get().close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));

        redis.jedis().publish(channel, "last");

        await().atMost(WAIT)
                .until(() -> !((RedisSubscription) handle.get()).thread().isAlive());
        assertThat(received).containsExactly(channel + "=last");
        assertThat(numberOfSubscribers(channel)).isZero();
    }

    @Test
    void shouldEndEverySubscriptionAndRefuseNewOnesWhenTheBindingCloses() {
        String function = redis.unique("closing");
        String first = redis.unique("nucleon-it-first");
        String second = redis.unique("nucleon-it-second");
        RedisBinding binding = open(function, 6379);
        RedisSubscription one = (RedisSubscription) binding.subscribe(first, this::collect);
        RedisSubscription two = (RedisSubscription) binding.subscribe(second, this::collect);

        dataBinding.close();

        assertThat(one.thread().isAlive()).isFalse();
        assertThat(two.thread().isAlive()).isFalse();
        await().atMost(WAIT).until(() -> numberOfSubscribers(first) == 0 && numberOfSubscribers(second) == 0);
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(thread -> thread.getName().equals("nucleon-redis-heartbeat-cache") && thread.isAlive());
        assertThatThrownBy(() -> binding.subscribe(first, this::collect))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("data binding 'cache' is closed");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private RedisBinding open(String function, int port) {
        return open(function, port, "200ms", "200ms");
    }

    private RedisBinding open(String function, int port, String socketTimeout, String connectTimeout) {
        dataBinding = (RedisDataBinding) new RedisBindingFactory()
                .create(RedisFixture.context(
                        function,
                        List.of(
                                "url: redis://127.0.0.1:" + port,
                                "connectTimeout: " + connectTimeout,
                                "socketTimeout: " + socketTimeout)));
        return (RedisBinding) dataBinding.forWorker();
    }

    private void collect(String channel, String message) {
        received.add(channel + "=" + message);
    }

    private String subscriptionClient(String function) {
        List<String> lines = redis.clients("nucleon:" + function + ":cache:sub");
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private long numberOfSubscribers(String channel) {
        Map<String, Long> counts = redis.jedis().pubsubNumSub(channel);
        return counts.getOrDefault(channel, 0L);
    }
}
