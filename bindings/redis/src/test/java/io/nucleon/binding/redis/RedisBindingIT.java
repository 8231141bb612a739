package io.nucleon.binding.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.BrokerProcess;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.params.ClientKillParams;

/** The redis binding in a real processor against the shared Redis on 127.0.0.1:6379. */
class RedisBindingIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private RedisFixture redis;

    @BeforeEach
    void requireRedis() {
        SharedBroker.REDIS.require();
        redis = new RedisFixture();
    }

    @AfterEach
    void cleanUp() {
        redis.close();
    }

    @Test
    void shouldReadAndWriteThroughTheBindingOnEveryRequest() {
        String function = redis.unique("counting");
        String base = redis.unique("nucleon-it-counter");
        try (HttpProcessor processor =
                HttpProcessor.start(function, CountingFunction.class.getName(), binding("redis://127.0.0.1:6379"))) {
            assertThat(processor.post("/", base).body()).isEqualTo("1 request 1");
            assertThat(processor.post("/", base).body()).isEqualTo("2 request 2");
            assertThat(processor.post("/", base).body()).isEqualTo("3 request 3");
        }

        Jedis jedis = redis.jedis();
        assertThat(jedis.get(base + ":count")).isEqualTo("3");
        assertThat(jedis.get(base + ":last")).isEqualTo("request 3");
        assertThat(jedis.get(base + ":recent")).isEqualTo("yes");
        assertThat(jedis.pttl(base + ":recent"))
                .isBetween(1L, Duration.ofMinutes(5).toMillis());
        assertThat(jedis.hvals(base + ":workers")).isNotEmpty().allMatch(value -> value.matches("[123]"));
    }

    @Test
    void shouldUseTheDatabaseOfTheUrl() {
        String function = redis.unique("database");
        String base = redis.unique("nucleon-it-db");
        try (HttpProcessor processor =
                HttpProcessor.start(function, CountingFunction.class.getName(), binding("redis://127.0.0.1:6379/1"))) {
            assertThat(processor.post("/", base).body()).isEqualTo("1 request 1");
        }

        try (Jedis databaseOne = new Jedis(SharedBroker.REDIS.host(), SharedBroker.REDIS.port())) {
            databaseOne.select(1);
            assertThat(databaseOne.get(base + ":count")).isEqualTo("1");
            databaseOne.del(base + ":count", base + ":last", base + ":recent", base + ":workers");
        }
        assertThat(redis.jedis().exists(base + ":count")).isFalse();
    }

    @Test
    void shouldPublishToASubscriberOfTheTest() throws Exception {
        String channel = redis.unique("nucleon-it-publish");
        List<String> received = new CopyOnWriteArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub subscriber = new JedisPubSub() {
            @Override
            public void onSubscribe(String subscribedChannel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String fromChannel, String message) {
                received.add(fromChannel + "=" + message);
            }
        };
        Jedis subscriberConnection = new Jedis(SharedBroker.REDIS.host(), SharedBroker.REDIS.port());
        Thread thread = Thread.ofPlatform().start(() -> subscriberConnection.subscribe(subscriber, channel));
        try (HttpProcessor processor = HttpProcessor.start(
                redis.unique("publishing"), PublishingFunction.class.getName(), binding("redis://127.0.0.1"))) {
            assertThat(subscribed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            assertThat(processor.post("/?channel=" + channel, "hello").body()).isEqualTo("1");

            await().atMost(WAIT).until(() -> received.contains(channel + "=hello"));
        } finally {
            subscriber.unsubscribe();
            thread.join(WAIT);
            subscriberConnection.close();
        }
    }

    @Test
    void shouldDeliverMessagesToASubscriptionOfTheFunctionAndSurviveAFailingListener() {
        String channel = redis.unique("nucleon-it-subscribe");
        try (HttpProcessor processor = HttpProcessor.start(
                redis.unique("subscribing"),
                SubscribingFunction.class.getName(),
                binding("redis://127.0.0.1:6379") + env(channel))) {
            // subscribe() returned once Redis confirmed, before the processor became ready
            assertThat(redis.jedis().publish(channel, "first")).isEqualTo(1);
            redis.jedis().publish(channel, "boom");
            redis.jedis().publish(channel, "second");

            await().atMost(WAIT).until(() -> received(channel).equals(List.of("first", "second")));
            assertThat(processor.post("/", "").body()).isEqualTo("2");
        }
    }

    @Test
    void shouldSubscribeAgainWhenItsConnectionIsKilled() {
        String function = redis.unique("resubscribing");
        String channel = redis.unique("nucleon-it-resubscribe");
        String subscriptionName = "nucleon:" + function + ":cache:sub";
        try (HttpProcessor processor = HttpProcessor.start(
                function, SubscribingFunction.class.getName(), binding("redis://127.0.0.1:6379") + env(channel))) {
            List<String> before = redis.clients(subscriptionName);
            assertThat(before).hasSize(1);
            String killedId = RedisFixture.field(before.get(0), "id");

            redis.jedis()
                    .clientKill(new ClientKillParams()
                            .id(killedId)); // the server drops the connection (an error on its read)

            await().atMost(WAIT).until(() -> redis.jedis().publish(channel, "after") > 0);
            await().atMost(WAIT).until(() -> received(channel).equals(List.of("after")));
            assertThat(redis.clients(subscriptionName)).singleElement().satisfies(line -> assertThat(
                            RedisFixture.field(line, "id"))
                    .isNotEqualTo(killedId));
            assertThat(processor.post("/", "").body()).isEqualTo("1");
        }
    }

    @Test
    void shouldCloseEveryConnectionAndThreadWhenTheProcessorCloses() {
        String function = redis.unique("closing");
        String channel = redis.unique("nucleon-it-close");
        String clientName = "nucleon:" + function + ":cache";
        HttpProcessor processor = HttpProcessor.start(
                function, SubscribingFunction.class.getName(), binding("redis://127.0.0.1:6379") + env(channel));
        try {
            processor.post("/", "");
            assertThat(redis.clients(clientName)).isNotEmpty();
            assertThat(redis.clients(clientName + ":sub")).hasSize(1);
            assertThat(threadsNamed("nucleon-redis-")).isNotEmpty();
        } finally {
            processor.close();
        }

        await().atMost(WAIT).until(() -> redis.clients(clientName).isEmpty());
        assertThat(redis.clients(clientName + ":sub")).isEmpty();
        assertThat(redis.jedis().publish(channel, "nobody")).isZero();
        await().atMost(WAIT).until(() -> threadsNamed("nucleon-redis-").isEmpty());
    }

    @Test
    void shouldFailTheStartNamingTheBindingWhenNothingListens() {
        int closedPort = BrokerProcess.freePort();
        long started = System.nanoTime();

        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings(
                        redis.unique("unreachable"),
                        CountingFunction.class.getName(),
                        binding("redis://127.0.0.1:" + closedPort))))
                .hasMessageContaining("data binding 'cache'")
                .hasMessageContaining("PING to redis://127.0.0.1:" + closedPort + "/0 failed")
                .hasMessageContaining("Failed to connect");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** @return {@code spec.dataBindings} with one redis binding named {@code cache} */
    static String binding(String url) {
        return """
                  dataBindings:
                    cache:
                      kind: redis
                      url: %s
                      attributes:
                        connectTimeout: 2s
                        socketTimeout: 2s
                """.formatted(url);
    }

    private static String env(String channel) {
        return """
                  env:
                    CHANNEL: %s
                """.formatted(channel);
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .toList();
    }

    private List<String> received(String channel) {
        return redis.jedis().lrange(channel + ":received", 0, -1);
    }
}
