package io.nucleon.processor;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one line {@code partition offset value} per Kafka record to the file named by {@code
 * OUTPUT_FILE}, then sleeps 1 ms so that a stream is still mid-flight when a test kills the processor.
 *
 * <p>The file is the record of what was handled, so it must survive a {@code kill -9} of the processor:
 * each line is one {@code write(2)} into the page cache, which belongs to the kernel, not to the process,
 * so a line written before the kill is in the file afterwards. No fsync: only a machine crash would lose
 * it, and the test does not simulate one.
 *
 * <p>The runtime makes one instance per worker, and each opens its own channel. Lines from different
 * workers do not interleave: with {@code O_APPEND}, Linux moves to the end of the file and copies the
 * bytes under the inode's lock, so one small {@code write} lands whole at the end.
 */
public final class AppendingFunction implements Function {

    /** Long enough for a test to catch the processor mid-stream; short enough to finish 6000 records in seconds. */
    private static final long MILLIS_PER_RECORD = 1;

    private FileChannel output;

    @Override
    public void init(InitContext context) throws IOException {
        String file = context.env("OUTPUT_FILE");
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("OUTPUT_FILE is not set (spec.env in function.yaml)");
        }
        output = FileChannel.open(
                Path.of(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        byte[] line = (event.partition() + " " + event.offset() + " " + event.bodyString() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        int written = output.write(ByteBuffer.wrap(line));
        if (written != line.length) {
            // A second write could land after another worker's line; only a full disk gets here.
            throw new IOException("short write to OUTPUT_FILE: " + written + " of " + line.length + " bytes");
        }
        Thread.sleep(MILLIS_PER_RECORD);
        return Response.noContent();
    }

    @Override
    public void close() throws IOException {
        if (output != null) {
            output.close();
        }
    }
}
