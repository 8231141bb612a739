package io.nucleon.cli.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One function's lock: a deploy, a delete and a supervisor's restart of the same function take turns. It is an
 * OS file lock on {@code $NUCLEON_HOME/locks/NAME.lock}, so it is released when its holder ends, however it
 * ends; the file holds the holder's pid, for messages. Reading commands ({@code get}, {@code logs}) do not
 * take it: {@code deployment.json} is replaced atomically.
 */
final class DeployLock implements AutoCloseable {

    private static final Duration RETRY = Duration.ofMillis(50);

    private final FileChannel channel;
    private final FileLock lock;

    private DeployLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting while another process holds it.
     *
     * @param state the state directory
     * @param name the function's name
     * @param timeout how long to wait
     * @param waiting told once, with the holder's pid, when the lock is held by another process
     * @throws PlatformException when it is still held after {@code timeout}
     */
    static DeployLock acquire(StateDirectory state, String name, Duration timeout, Waiting waiting) {
        Path file = state.lockFile(name);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean told = false;
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    channel.truncate(0);
                    channel.write(
                            ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                            0);
                    return new DeployLock(channel, lock);
                }
                if (!told) {
                    waiting.holder(holder(channel));
                    told = true;
                }
                if (System.nanoTime() > deadline) {
                    throw new PlatformException("function '" + name + "': another nucleon command (pid "
                            + holder(channel) + ") is deploying or deleting it and did not finish within "
                            + timeout.toSeconds() + " s");
                }
                Thread.sleep(RETRY);
            }
        } catch (IOException e) {
            close(channel);
            throw new PlatformException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            close(channel);
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while waiting for the lock on " + file);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return pid.isEmpty() ? "unknown" : pid;
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }

    /** Told that the lock is held by another process. */
    @FunctionalInterface
    interface Waiting {
        /** @param pid the holder's process id, or {@code unknown} */
        void holder(String pid);
    }
}
