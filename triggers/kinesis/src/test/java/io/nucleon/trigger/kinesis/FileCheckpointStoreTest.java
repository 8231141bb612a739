package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints in a properties file: what is saved comes back, in a new store too, and nothing half-written. */
class FileCheckpointStoreTest {

    private static final String SHARD_0 = "shardId-000000000000";
    private static final String SHARD_1 = "shardId-000000000001";

    @TempDir
    Path dir;

    @Test
    void shouldLoadNothingBeforeTheFirstSaveAndCreateTheDirectory() {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("a/b/events.properties"), "orders");

        assertThat(store.load()).isEmpty();
        assertThat(dir.resolve("a/b")).isDirectory();
    }

    @Test
    void shouldKeepEveryShardAcrossPartialSavesAndNewStores() throws IOException {
        Path file = dir.resolve("events.properties");
        FileCheckpointStore store = new FileCheckpointStore(file, "orders");
        store.load();
        store.save(Map.of(SHARD_0, ShardCheckpoint.after("100"), SHARD_1, ShardCheckpoint.startedAt(5)));
        store.save(Map.of(SHARD_0, ShardCheckpoint.ended("150")));

        assertThat(new FileCheckpointStore(file, "orders").load())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(SHARD_0, ShardCheckpoint.ended("150"), SHARD_1, ShardCheckpoint.startedAt(5)));
        try (var files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("the temporary file was renamed over the checkpoint file")
                    .containsExactly("events.properties");
        }
        assertThat(Files.readString(file)).contains("_stream=orders", SHARD_1 + "=at:5");
    }

    @Test
    void shouldRefuseCheckpointsOfAnotherStream() {
        Path file = dir.resolve("events.properties");
        new FileCheckpointStore(file, "orders").save(Map.of(SHARD_0, ShardCheckpoint.after("1")));

        assertThatThrownBy(() -> new FileCheckpointStore(file, "refunds").load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "the checkpoint file " + file.toAbsolutePath()
                                + " belongs to stream 'orders', but the trigger reads 'refunds': delete the file to start over");
    }

    @Test
    void shouldNameTheShardOfABadEntry() throws IOException {
        Path file = dir.resolve("events.properties");
        Files.writeString(file, "_stream=orders\n" + SHARD_0 + "=seq:12x\n");

        assertThatThrownBy(() -> new FileCheckpointStore(file, "orders").load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has a bad entry for " + SHARD_0 + ": not a shard checkpoint: 'seq:12x'");
    }

    @Test
    void shouldSayWhyItCannotCreateItsDirectory() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a directory");

        assertThatThrownBy(() -> new FileCheckpointStore(blocker.resolve("events.properties"), "orders"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot create the checkpoint directory " + blocker);
    }

    @Test
    void shouldPutTheDefaultFileUnderNucleonHomeByFunctionAndTrigger() {
        CheckpointStore store = CheckpointStores.open(
                new KinesisTriggerConfig.CheckpointSettings(
                        "file", java.util.Optional.of(dir), "", java.time.Duration.ofSeconds(1), Map.of()),
                new CheckpointStore.Context("fn", "events", "orders", Map.of()));
        assertThat(((FileCheckpointStore) store).file()).isEqualTo(dir.resolve("events.properties"));

        String home = System.getenv("NUCLEON_HOME");
        Path base =
                home == null || home.isBlank() ? Path.of(System.getProperty("user.home"), ".nucleon") : Path.of(home);
        assertThat(CheckpointStores.defaultDirectory("fn")).isEqualTo(base.resolve("checkpoints/fn"));
    }
}
