package io.nucleon.runtime.dispatch;

import io.nucleon.function.BatchFunction;
import io.nucleon.function.BatchResult;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Lifecycle;
import io.nucleon.function.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes function instances of a chosen shape (a {@link Function}, a {@link BatchFunction}, or both) that
 * record every call (instance, thread, bodies, ids) and whether one instance was ever entered from two
 * threads at once. The event body chooses the behaviour, for single events and runs:
 *
 * <ul>
 *   <li>{@code boom...} - throws an {@link IllegalStateException} with the body as message (kept in {@link
 *       #thrown})
 *   <li>{@code null...} - returns {@code null}
 *   <li>{@code block...} - reports that it started, then waits for {@link #openGate()}, ignoring interrupts
 *   <li>{@code step...} - reports that it started, then waits for one {@link #step()}, ignoring interrupts
 *   <li>anything else - answers with the body
 * </ul>
 *
 * A batch behaves by its first event's body: {@code boom}, {@code null} and {@code block} as above,
 * {@code fail:1,3} returns {@link BatchResult#failed} with those indexes, anything else succeeds.
 */
final class GroupFunctions implements FunctionFactory {

    enum Shape {
        EVENTS,
        BATCHES,
        BOTH
    }

    /**
     * One call into a function instance.
     *
     * @param kind {@code handle}, {@code handleBatch} or {@code drain}
     * @param instance the instance's number
     * @param thread the calling thread's name
     * @param bodies the bodies it was given
     * @param ids the event ids it saw
     * @param contextTrigger what the context said about the trigger, {@code kind/name}
     */
    record Call(String kind, int instance, String thread, List<String> bodies, List<Long> ids, String contextTrigger) {}

    final List<Instance> instances = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<String, Throwable> thrown = new ConcurrentHashMap<>();
    /** Calls that entered an instance while another call into it was still running. */
    final AtomicInteger overlaps = new AtomicInteger();

    private final Shape shape;
    private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final Semaphore steps = new Semaphore(0);
    private volatile RuntimeException drainFailure;

    GroupFunctions(Shape shape) {
        this.shape = shape;
    }

    @Override
    public Lifecycle create() {
        int number = instances.size();
        Instance instance =
                switch (shape) {
                    case EVENTS -> new EventsOnly(number);
                    case BATCHES -> new BatchesOnly(number);
                    case BOTH -> new Both(number);
                };
        instances.add(instance);
        return instance;
    }

    void openGate() {
        gate.countDown();
    }

    /** Lets one {@code step...} event return. */
    void step() {
        steps.release();
    }

    /** Makes every later drain hook throw this. */
    void failDrainsWith(RuntimeException failure) {
        drainFailure = failure;
    }

    /** Waits until the event (or batch whose first event) with this body has entered the function. */
    void awaitStarted(String body) throws InterruptedException {
        String entered = started.poll(5, TimeUnit.SECONDS);
        if (!body.equals(entered)) {
            throw new AssertionError("expected '" + body + "' to start, got " + entered);
        }
    }

    List<Call> calls(String kind) {
        return calls.stream().filter(call -> call.kind().equals(kind)).toList();
    }

    /** The bodies that {@code handle} was called with, in call order. */
    List<String> handledBodies() {
        return calls("handle").stream().map(call -> call.bodies().get(0)).toList();
    }

    /** Lets every waiting function return, so that the pool can close. */
    void releaseAll() {
        openGate();
        steps.release(1_000);
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                if (latch.await(10, TimeUnit.SECONDS)) {
                    return;
                }
                throw new AssertionError("gate never opened");
            } catch (InterruptedException e) {
                // a function that does not honour interrupts
            }
        }
    }

    private static void acquireIgnoringInterrupts(Semaphore semaphore) {
        while (true) {
            try {
                if (semaphore.tryAcquire(10, TimeUnit.SECONDS)) {
                    return;
                }
                throw new AssertionError("step never came");
            } catch (InterruptedException e) {
                // a function that does not honour interrupts
            }
        }
    }

    /** What every shape shares: recording, the behaviours, and the drain hook. */
    abstract class Instance implements Lifecycle {

        final int number;
        final AtomicInteger drains = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        private final AtomicInteger active = new AtomicInteger();
        volatile String initThread;
        volatile Thread workerThread;

        Instance(int number) {
            this.number = number;
        }

        @Override
        public void init(InitContext context) {
            initThread = Thread.currentThread().getName();
            workerThread = Thread.currentThread();
        }

        @Override
        public void drain() {
            enter();
            try {
                calls.add(new Call("drain", number, Thread.currentThread().getName(), List.of(), List.of(), ""));
                drains.incrementAndGet();
                RuntimeException failure = drainFailure;
                if (failure != null) {
                    throw failure;
                }
            } finally {
                exit();
            }
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        Response handleOne(Context context, Event event) {
            enter();
            try {
                String body = event.bodyString();
                calls.add(new Call(
                        "handle",
                        number,
                        Thread.currentThread().getName(),
                        List.of(body),
                        List.of(event.id()),
                        context.triggerKind() + "/" + context.triggerName()));
                if (body.startsWith("boom")) {
                    IllegalStateException failure = new IllegalStateException(body);
                    thrown.put(body, failure);
                    throw failure;
                }
                if (body.startsWith("null")) {
                    return null;
                }
                waitIfAsked(body);
                return Response.ok(body);
            } finally {
                exit();
            }
        }

        BatchResult handleMany(Context context, List<Event> events) {
            enter();
            try {
                List<String> bodies = new ArrayList<>();
                List<Long> ids = new ArrayList<>();
                for (Event event : events) {
                    bodies.add(event.bodyString());
                    ids.add(event.id());
                }
                calls.add(new Call(
                        "handleBatch",
                        number,
                        Thread.currentThread().getName(),
                        List.copyOf(bodies),
                        List.copyOf(ids),
                        context.triggerKind() + "/" + context.triggerName()));
                String first = bodies.get(0);
                if (first.startsWith("boom")) {
                    IllegalStateException failure = new IllegalStateException(first);
                    thrown.put(first, failure);
                    throw failure;
                }
                if (first.startsWith("null")) {
                    return null;
                }
                waitIfAsked(first);
                if (first.startsWith("fail:")) {
                    return BatchResult.failed(Arrays.stream(first.substring(5).split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray());
                }
                return BatchResult.success();
            } finally {
                exit();
            }
        }

        private void waitIfAsked(String body) {
            if (body.startsWith("block")) {
                started.add(body);
                awaitIgnoringInterrupts(gate);
            } else if (body.startsWith("step")) {
                started.add(body);
                acquireIgnoringInterrupts(steps);
            }
        }

        private void enter() {
            if (active.getAndIncrement() != 0) {
                overlaps.incrementAndGet();
            }
        }

        private void exit() {
            active.decrementAndGet();
        }
    }

    final class EventsOnly extends Instance implements Function {
        EventsOnly(int number) {
            super(number);
        }

        @Override
        public Response handle(Context context, Event event) {
            return handleOne(context, event);
        }
    }

    final class BatchesOnly extends Instance implements BatchFunction {
        BatchesOnly(int number) {
            super(number);
        }

        @Override
        public BatchResult handleBatch(Context context, List<Event> events) {
            return handleMany(context, events);
        }
    }

    final class Both extends Instance implements Function, BatchFunction {
        Both(int number) {
            super(number);
        }

        @Override
        public Response handle(Context context, Event event) {
            return handleOne(context, event);
        }

        @Override
        public BatchResult handleBatch(Context context, List<Event> events) {
            return handleMany(context, events);
        }
    }
}
