package io.nucleon.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;

import io.nucleon.config.FunctionConfig;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The example's own function.yaml (on a free port) in a processor, against the Redis on 127.0.0.1:6379. */
class VisitCounterIT {

    private final String key = "it-" + UUID.randomUUID();
    private RedisClient redis;
    private HttpProcessor processor;

    @BeforeEach
    void start() throws Exception {
        SharedBroker.REDIS.require();
        redis = RedisClient.create("127.0.0.1", 6379);
        String yaml = Files.readString(Path.of("function.yaml")).replace("port: 8081", "port: 0");
        FunctionConfig config = FunctionConfigLoader.parse(yaml, "function.yaml");
        processor = HttpProcessor.start(config);
    }

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.close();
        }
        if (redis != null) {
            redis.del("visits:" + key, "label:" + key);
            redis.close();
        }
    }

    @Test
    void shouldCountVisitsPerKeyInRedisAndLabelThemFromTheCache() {
        redis.set("label:" + key, "The \"test\" page");

        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> response = processor.post("/", key);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body())
                    .isEqualTo("{\"key\":\"" + key + "\",\"label\":\"The \\\"test\\\" page\",\"visits\":" + i + "}\n");
        }
        redis.set("label:" + key, "changed");

        assertThat(processor.post("/", key).body())
                .as("label still cached (ttl 30s)")
                .contains("The \\\"test\\\"");
        assertThat(redis.get("visits:" + key)).isEqualTo("4");
        String metrics = processor.metrics();
        assertThat(metrics)
                .contains("counter_label_lookups_total{function=\"stateful-counter\"} 1.0")
                .contains("cache_gets_total{cache=\"context\",function=\"stateful-counter\",result=\"hit\"} 3.0");
    }

    @Test
    void shouldLoseNoIncrementUnderConcurrentRequests() throws Exception {
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                answers.add(callers.submit(() -> processor.post("/", key).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        }

        assertThat(redis.get("visits:" + key)).isEqualTo("200");
        assertThat(processor.post("/", key).body()).contains("\"label\":\"" + key + "\"", "\"visits\":201");
    }

    @Test
    void shouldRefuseABodyThatIsNotAKey() {
        HttpResponse<String> response = processor.post("/", "no spaces allowed");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("the body must be a key");
    }
}
