package io.nucleon.trigger.cron;

import java.nio.ByteBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * One tick on its way through the ring: the attachment {@link CronEventAdapter} reads. Ticks are
 * pooled, so a steady schedule allocates nothing; each has its own body view, since a function may
 * move a view's position while another tick of the same trigger runs.
 */
final class CronTick {

    private final CronEventTemplate template;
    private final ByteBuffer body;
    private final ManyToOneConcurrentArrayQueue<CronTick> pool;
    private long sequence;
    private long scheduledMillis;

    CronTick(CronEventTemplate template, ManyToOneConcurrentArrayQueue<CronTick> pool) {
        this.template = template;
        this.body = template.newBodyView();
        this.pool = pool;
    }

    /** Readies a pooled tick for its next trip (on the agent thread, before dispatch). */
    CronTick reset(long sequence, long scheduledMillis) {
        this.sequence = sequence;
        this.scheduledMillis = scheduledMillis;
        body.clear();
        return this;
    }

    /** Back to the pool once the slot lets go; a full pool lets the garbage collector have it. */
    void recycle() {
        pool.offer(this);
    }

    CronEventTemplate template() {
        return template;
    }

    ByteBuffer body() {
        return body;
    }

    long sequence() {
        return sequence;
    }

    long scheduledMillis() {
        return scheduledMillis;
    }
}
