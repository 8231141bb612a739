package io.nucleon.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailAndStateTest {

    @TempDir
    Path dir;

    @Test
    void shouldPrefixWholeLinesOfEachReplicaAndEndAPartialLastLine() throws Exception {
        Files.writeString(dir.resolve("processor.log"), "a1\na2\n");
        Files.writeString(dir.resolve("processor-1.log"), "b1\nb-partial");

        String out = copy(List.of(replica(0, "processor.log", 0), replica(1, "processor-1.log", 0)), true);

        assertThat(out).isEqualTo("[0] a1\n[0] a2\n[1] b1\n[1] b-partial\n");
    }

    @Test
    void shouldCopyOneLogAsItIs() throws Exception {
        Files.writeString(dir.resolve("processor.log"), "{\"x\":1}\n");

        assertThat(copy(List.of(replica(0, "processor.log", 0)), false)).isEqualTo("{\"x\":1}\n");
    }

    @Test
    void shouldFollowALogThatARedeployReplacedFromTheNewFilesStart() throws Exception {
        Path log = dir.resolve("processor.log");
        Files.writeString(log, "old 1\n");
        AtomicInteger polls = new AtomicInteger();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        new LogTail(dir, List.of(replica(0, "processor.log", 0)), false).copy(out, () -> {
            try {
                switch (polls.incrementAndGet()) {
                    case 1 -> Files.writeString(log, "old 2\n", java.nio.file.StandardOpenOption.APPEND);
                    case 2 -> {
                        Files.move(log, dir.resolve("processor.previous.log"));
                        Files.writeString(dir.resolve("processor.log.next"), "new 1\n");
                        Files.move(dir.resolve("processor.log.next"), log);
                    }
                    default -> {
                        return false;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return true;
        });

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("old 1\nold 2\nnew 1\n");
    }

    @Test
    void shouldMakeTheFunctionStateOfItsReplicas() {
        assertThat(FunctionStatus.stateOf(states("ready", "ready"))).isEqualTo(FunctionStatus.READY);
        assertThat(FunctionStatus.stateOf(states("ready", "not-ready"))).isEqualTo(FunctionStatus.NOT_READY);
        assertThat(FunctionStatus.stateOf(states("ready", "crashed"))).isEqualTo(FunctionStatus.DEGRADED);
        assertThat(FunctionStatus.stateOf(states("stopped", "crashed"))).isEqualTo(FunctionStatus.CRASHED);
        assertThat(FunctionStatus.stateOf(states("stopped", "stopped"))).isEqualTo(FunctionStatus.STOPPED);
    }

    @Test
    void shouldReadAReplicasOrderlyStopOnlySinceItsOwnStart() throws Exception {
        String earlier = "{\"message\":\"processor stopped\"}\n";
        Files.writeString(dir.resolve("processor.log"), earlier + "{\"message\":\"processor ready\"}\n");

        assertThat(replica(0, "processor.log", 0).stoppedInOrder(dir)).isTrue();
        assertThat(replica(0, "processor.log", earlier.length()).stoppedInOrder(dir))
                .as("a restarted replica that crashed")
                .isFalse();
    }

    @Test
    void shouldRoundTripADeploymentWithReplicasAndSupervisor() {
        Deployment deployment = new Deployment(
                "hello",
                "127.0.0.1",
                1L,
                "http://127.0.0.1:8080/",
                java.util.Map.of("http", "http"),
                List.of("/code-1/hello.jar"),
                "/bin/nucleon-processor",
                "/home/admin.token",
                java.util.Optional.of(new Deployment.SupervisorProcess(7, 8)),
                List.of(replica(0, "processor.log", 0), replica(1, "processor-1.log", 12)));

        assertThat(Deployment.fromJson(deployment.toJson(), dir.resolve("deployment.json")))
                .isEqualTo(deployment);
    }

    private static List<ReplicaStatus> states(String... states) {
        return java.util.stream.IntStream.range(0, states.length)
                .mapToObj(i -> new ReplicaStatus(i, states[i], 1, 2, "", 0, OptionalLong.empty(), 0))
                .toList();
    }

    private static Replica replica(int index, String log, long offset) {
        return new Replica(index, 1000 + index, 5, 9000 + index, 6, log, offset, "", 0);
    }

    private String copy(List<Replica> replicas, boolean prefix) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new LogTail(dir, replicas, prefix).copy(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> false);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
