package io.nucleon.cli.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Copies replicas' logs to an output, whole lines at a time, each prefixed with {@code [N] } when there are
 * several; in follow mode it goes on while the function still runs. A log that a redeploy renamed away (its
 * path now names a new file) is followed from the new file's start.
 */
final class LogTail {

    private static final Duration POLL = Duration.ofMillis(100);

    private final List<Source> sources = new ArrayList<>();

    /**
     * @param functionDir the function's state directory
     * @param replicas the replicas whose logs to copy
     * @param prefix prefix each line with the replica's index
     */
    LogTail(Path functionDir, List<Replica> replicas, boolean prefix) {
        for (Replica replica : replicas) {
            sources.add(new Source(functionDir.resolve(replica.log()), prefix ? "[" + replica.index() + "] " : ""));
        }
    }

    /**
     * @param out where to write
     * @param running asked after each pass that found nothing new: whether to wait for more
     */
    void copy(PrintStream out, BooleanSupplier running) {
        try {
            while (true) {
                boolean copied = false;
                for (Source source : sources) {
                    copied |= source.copyNew(out);
                }
                out.flush();
                if (copied) {
                    continue;
                }
                if (!running.getAsBoolean()) {
                    // A last pass: what was written between the previous one and the processes' end.
                    for (Source source : sources) {
                        source.copyNew(out);
                        source.finish(out);
                    }
                    out.flush();
                    return;
                }
                Thread.sleep(POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sources.forEach(Source::close);
        }
    }

    /** One log file: what was read of it, and the start of a line not yet complete. */
    private static final class Source {
        private final Path file;
        private final String prefix;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private InputStream in;
        private Object fileKey;

        Source(Path file, String prefix) {
            this.file = file;
            this.prefix = prefix;
        }

        /** @return whether anything was read */
        boolean copyNew(PrintStream out) {
            try {
                if (in == null && !open()) {
                    return false;
                }
                boolean read = drain(out);
                if (!read && replaced()) {
                    // Its process is done with the old file (renamed by a redeploy): on to the new one.
                    finish(out);
                    close();
                    read = open() && drain(out);
                }
                return read;
            } catch (IOException e) {
                throw new PlatformException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        private boolean drain(PrintStream out) throws IOException {
            byte[] chunk = in.readNBytes(Math.max(in.available(), 0));
            if (chunk.length == 0) {
                return false;
            }
            int start = 0;
            for (int i = 0; i < chunk.length; i++) {
                if (chunk[i] == '\n') {
                    partial.write(chunk, start, i + 1 - start);
                    writeLine(out);
                    start = i + 1;
                }
            }
            partial.write(chunk, start, chunk.length - start);
            return true;
        }

        private boolean open() throws IOException {
            try {
                fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                in = Files.newInputStream(file);
                return true;
            } catch (NoSuchFileException e) {
                in = null;
                return false;
            }
        }

        private boolean replaced() throws IOException {
            try {
                return !Objects.equals(
                        Files.readAttributes(file, BasicFileAttributes.class).fileKey(), fileKey);
            } catch (NoSuchFileException e) {
                return false; // renamed away, the new one not there yet
            }
        }

        void finish(PrintStream out) {
            if (partial.size() > 0) {
                partial.write('\n');
                writeLine(out);
            }
        }

        private void writeLine(PrintStream out) {
            out.print(prefix);
            out.print(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
        }

        void close() {
            try {
                if (in != null) {
                    in.close();
                }
            } catch (IOException ignored) {
                // read-only
            }
            in = null;
        }
    }
}
