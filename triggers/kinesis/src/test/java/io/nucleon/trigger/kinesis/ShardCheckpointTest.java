package io.nucleon.trigger.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.trigger.kinesis.spi.ShardCheckpoint;
import org.junit.jupiter.api.Test;

/** The stored form of a shard's checkpoint. */
class ShardCheckpointTest {

    private static final String SEQ = "49680833997091155749683891882754189103697488515623288834";

    @Test
    void shouldReadBackWhatItWrites() {
        for (ShardCheckpoint checkpoint : new ShardCheckpoint[] {
            ShardCheckpoint.after(SEQ),
            ShardCheckpoint.startedAt(1_700_000_000_123L),
            ShardCheckpoint.ended(SEQ),
            ShardCheckpoint.ended(null)
        }) {
            assertThat(ShardCheckpoint.decode(checkpoint.encode())).isEqualTo(checkpoint);
        }
        assertThat(ShardCheckpoint.after(SEQ).encode()).isEqualTo("seq:" + SEQ);
        assertThat(ShardCheckpoint.startedAt(42).encode()).isEqualTo("at:42");
        assertThat(ShardCheckpoint.ended(SEQ).encode()).isEqualTo("ended:" + SEQ);
        assertThat(ShardCheckpoint.ended(null).encode()).isEqualTo("ended");
    }

    @Test
    void shouldRejectWhatIsNotACheckpoint() {
        for (String bad : new String[] {"", "seq:", "seq:12a", "at:soon", "later", "ended:x"}) {
            assertThatThrownBy(() -> ShardCheckpoint.decode(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a shard checkpoint: '" + bad + "'");
        }
    }
}
