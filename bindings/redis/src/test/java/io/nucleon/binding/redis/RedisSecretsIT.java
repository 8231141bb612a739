package io.nucleon.binding.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.runtime.Processor;
import io.nucleon.testing.brokers.SharedBroker;
import io.nucleon.testing.processor.HttpProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password from a file secret. The shared Redis has no password of its own, so the test adds an ACL user with
 * one for its duration (and deletes it after).
 */
class RedisSecretsIT {

    @TempDir
    Path dir;

    private RedisFixture redis;
    private String user;
    private String password;

    @BeforeEach
    void addUser() {
        SharedBroker.REDIS.require();
        redis = new RedisFixture();
        user = redis.unique("nucleon-it-user");
        password = "pw-" + UUID.randomUUID();
        redis.jedis().aclSetUser(user, "on", ">" + password, "~*", "&*", "+@all");
    }

    @AfterEach
    void deleteUser() {
        redis.jedis().aclDelUser(user);
        redis.close();
    }

    @Test
    void shouldLogInWithThePasswordFromAFileSecret() throws IOException {
        String function = redis.unique("secret");
        String base = redis.unique("nucleon-it-secret");
        Path secret = secretFile(password + "\n"); // as `echo` and Kubernetes tooling write it

        try (HttpProcessor processor =
                HttpProcessor.start(function, CountingFunction.class.getName(), binding(user, secret))) {
            assertThat(processor.post("/", base).body()).isEqualTo("1 request 1");
            assertThat(redis.clients("nucleon:" + function + ":cache"))
                    .isNotEmpty()
                    .allSatisfy(
                            line -> assertThat(RedisFixture.field(line, "user")).isEqualTo(user));
        }
        assertThat(redis.jedis().get(base + ":count")).isEqualTo("1");
    }

    @Test
    void shouldRefuseAWrongPasswordAtStartNamingTheBindingButNotThePassword() throws IOException {
        String wrong = "wrong-" + UUID.randomUUID();
        Path secret = secretFile(wrong);

        assertThatThrownBy(() -> Processor.start(HttpProcessor.settings(
                        redis.unique("wrong-secret"), CountingFunction.class.getName(), binding(user, secret))))
                .hasMessageContaining("data binding 'cache' (kind redis, function.yaml line ")
                .hasMessageContaining("check at start failed: PING to redis://" + user + "@127.0.0.1:6379/0 failed")
                .hasMessageContaining("WRONGPASS")
                .satisfies(failure -> {
                    for (Throwable t = failure; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage()))
                                .doesNotContain(wrong)
                                .doesNotContain(password);
                    }
                });
    }

    @Test
    void shouldBeLetInWithAnyPasswordAloneByARedisThatHasNone() throws IOException {
        Path secret = secretFile("any-" + UUID.randomUUID());
        String spec = """
                  dataBindings:
                    cache:
                      kind: redis
                      url: redis://127.0.0.1:6379
                      secrets:
                        password: {file: %s}
                """.formatted(secret);

        try (HttpProcessor processor =
                HttpProcessor.start(redis.unique("no-user"), CountingFunction.class.getName(), spec)) {
            assertThat(processor.post("/", redis.unique("nucleon-it-no-user")).body())
                    .isEqualTo("1 request 1");
        }
    }

    private Path secretFile(String content) throws IOException {
        Path file = dir.resolve("redis-password");
        Files.writeString(file, content);
        return file;
    }

    private static String binding(String user, Path secret) {
        return """
                  dataBindings:
                    cache:
                      kind: redis
                      url: redis://127.0.0.1:6379
                      attributes:
                        username: %s
                      secrets:
                        password: {file: %s}
                """.formatted(user, secret);
    }
}
