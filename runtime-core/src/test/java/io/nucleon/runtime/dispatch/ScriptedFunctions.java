package io.nucleon.runtime.dispatch;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes function instances whose behaviour the event body chooses:
 *
 * <ul>
 *   <li>{@code boom...} - throws an {@link IllegalStateException} with the body as message
 *   <li>{@code null...} - returns {@code null}
 *   <li>{@code block...} - reports that it started, then waits for {@link #openGate()}, ignoring interrupts
 *   <li>anything else - echoes the body, with what the function saw in headers
 * </ul>
 */
final class ScriptedFunctions implements FunctionFactory {

    final List<Instance> instances = new CopyOnWriteArrayList<>();
    final List<String> handled = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger interruptsSeen = new AtomicInteger();

    @Override
    public Function create() {
        Instance instance = new Instance(instances.size());
        instances.add(instance);
        return instance;
    }

    void openGate() {
        gate.countDown();
    }

    /** Waits until a {@code block...} event has entered the function. */
    void awaitStarted(String body) throws InterruptedException {
        String entered = started.poll(5, TimeUnit.SECONDS);
        if (!body.equals(entered)) {
            throw new AssertionError("expected '" + body + "' to start, got " + entered);
        }
    }

    int interruptsSeen() {
        return interruptsSeen.get();
    }

    final class Instance implements Function {

        final int number;
        final AtomicInteger closes = new AtomicInteger();
        volatile int initWorkerId = -1;
        volatile ClassLoader contextClassLoader;

        Instance(int number) {
            this.number = number;
        }

        @Override
        public void init(InitContext context) {
            initWorkerId = context.workerId();
        }

        @Override
        public Response handle(Context context, Event event) {
            String body = event.bodyString();
            handled.add(body);
            contextClassLoader = Thread.currentThread().getContextClassLoader();
            if (body.startsWith("boom")) {
                throw new IllegalStateException(body);
            }
            if (body.startsWith("null")) {
                return null;
            }
            if (body.startsWith("block")) {
                started.add(body);
                awaitGateIgnoringInterrupts();
            }
            return Response.builder()
                    .body(event.bodyBytes())
                    .contentType(event.contentType())
                    .header("X-Instance", Integer.toString(number))
                    .header("X-Worker", Integer.toString(context.workerId()))
                    .header("X-Context-Trigger", context.triggerKind() + "/" + context.triggerName())
                    .header("X-Event-Trigger", event.triggerKind() + "/" + event.triggerName())
                    .header("X-Event-Id", Long.toString(event.id()))
                    .header("X-Body-Size", Integer.toString(event.bodySize()))
                    .build();
        }

        /** A function that does not honour interrupts: the worker cannot get it back by interrupting. */
        private void awaitGateIgnoringInterrupts() {
            while (true) {
                try {
                    if (gate.await(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    throw new AssertionError("gate never opened");
                } catch (InterruptedException e) {
                    interruptsSeen.incrementAndGet();
                }
            }
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
