package io.nucleon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code nucleon deploy}'s options, checked before anything is built or deployed: run in this JVM. */
class DeployOptionsTest {

    private final StringWriter err = new StringWriter();

    @Test
    void shouldRefuseReplicasOutsideOneToAThousand() {
        for (String replicas : new String[] {"0", "-1", "1001"}) {
            StringWriter err = new StringWriter();
            assertThat(deploy(err, "-p", "no/such/dir", "--replicas", replicas)).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(err.toString()).isEqualTo("nucleon: --replicas: must be from 1 to 1000, got " + replicas + "\n");
        }
    }

    @Test
    void shouldRefuseReplicasThatAreNotANumber() {
        assertThat(deploy(err, "-p", "no/such/dir", "--replicas", "x")).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString())
                .startsWith("nucleon: Invalid value for option '--replicas': 'x' is not an int")
                .endsWith("(see nucleon deploy --help)\n");
    }

    @Test
    void shouldRefuseInvalidTriggersBeforeLookingAtThePath() {
        assertThat(deploy(err, "-p", "no/such/dir", "--triggers", "{\"web\": ")).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(err.toString()).startsWith("nucleon: --triggers: invalid JSON at line 1, column ");
    }

    private static int deploy(StringWriter err, String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        String[] command = new String[args.length + 1];
        command[0] = "deploy";
        System.arraycopy(args, 0, command, 1, args.length);
        return commandLine.execute(command);
    }
}
