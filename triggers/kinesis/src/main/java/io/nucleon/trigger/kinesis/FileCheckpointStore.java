package io.nucleon.trigger.kinesis;

import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Checkpoints in one properties file per trigger, {@code shardId=seq:<n>} lines plus the stream's name.
 * Every save writes the whole file to a temporary file beside it, forces it to disk and renames it over
 * the old one, so a crash leaves either the old file or the new one, never half of one.
 */
final class FileCheckpointStore implements CheckpointStore {

    /** The property naming the stream the checkpoints belong to; shard ids never look like it. */
    static final String STREAM_KEY = "_stream";

    private final Path file;
    private final String streamName;
    private final Map<String, ShardCheckpoint> checkpoints = new TreeMap<>();

    /**
     * @param file the checkpoint file; its directory is created if missing
     * @param streamName the stream the checkpoints belong to
     * @throws IllegalStateException when the directory cannot be created
     */
    FileCheckpointStore(Path file, String streamName) {
        this.file = file.toAbsolutePath();
        this.streamName = streamName;
        try {
            Files.createDirectories(this.file.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create the checkpoint directory " + this.file.getParent() + ": " + e, e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public Map<String, ShardCheckpoint> load() {
        checkpoints.clear();
        if (!Files.exists(file)) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint file " + file + ": " + e.getMessage(), e);
        }
        String stream = properties.getProperty(STREAM_KEY);
        if (stream != null && !stream.equals(streamName)) {
            throw new IllegalStateException("the checkpoint file " + file + " belongs to stream '" + stream
                    + "', but the trigger reads '" + streamName + "': delete the file to start over");
        }
        for (String shardId : properties.stringPropertyNames()) {
            if (!shardId.equals(STREAM_KEY)) {
                checkpoints.put(shardId, decode(shardId, properties.getProperty(shardId)));
            }
        }
        return new LinkedHashMap<>(checkpoints);
    }

    private ShardCheckpoint decode(String shardId, String text) {
        try {
            return ShardCheckpoint.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the checkpoint file " + file + " has a bad entry for " + shardId + ": " + e.getMessage());
        }
    }

    @Override
    public void save(Map<String, ShardCheckpoint> changed) {
        Map<String, ShardCheckpoint> next = new TreeMap<>(checkpoints);
        next.putAll(changed);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(
                            temp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    Writer writer = java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8)) {
                writer.write(
                        "# kinesis trigger checkpoints: shard id = seq:<last done> | at:<millis> | ended[:<last>]\n");
                writer.write(STREAM_KEY + "=" + escape(streamName) + "\n");
                for (Map.Entry<String, ShardCheckpoint> entry : next.entrySet()) {
                    writer.write(escape(entry.getKey()) + "=" + entry.getValue().encode() + "\n");
                }
                writer.flush();
                channel.force(true);
            }
            move(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint file " + file + ": " + e.getMessage(), e);
        }
        checkpoints.clear();
        checkpoints.putAll(next);
    }

    private void move(Path temp) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Shard ids and stream names are [a-zA-Z0-9_.-], but a properties file must not be broken by anything. */
    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '=' || c == ':' || c == '#' || c == '!' || c == ' ') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    @Override
    public void close() {
        // nothing held open between saves
    }

    @Override
    public String toString() {
        return "file " + file;
    }
}
