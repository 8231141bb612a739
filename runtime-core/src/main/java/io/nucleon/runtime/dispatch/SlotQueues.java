package io.nucleon.runtime.dispatch;

import java.util.concurrent.atomic.LongAdder;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * Offers to Agrona's many-to-many queues that are sized to hold every element at once, so an offer
 * can fail only for a moment: when a consumer that claimed the array position at the tail was
 * descheduled before it freed it (the queue is then "full" at that one position however empty it is).
 * Dropping the element there would lose an event or leak a ring slot, so the offer waits for that
 * consumer, spinning briefly and then yielding the CPU to it.
 */
final class SlotQueues {

    private static final int SPINS_BEFORE_YIELD = 64;

    private SlotQueues() {}

    static <E> void offer(ManyToManyConcurrentArrayQueue<E> queue, E element, LongAdder contended) {
        if (queue.offer(element)) {
            return;
        }
        contended.increment();
        int attempts = 0;
        while (!queue.offer(element)) {
            if (++attempts < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
