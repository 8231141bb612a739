package io.nucleon.trigger.http;

import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The function the HTTP tests run, routed by path:
 *
 * <ul>
 *   <li>{@code /echo} - 200 with the request body and method, path and query in headers
 *   <li>{@code /badtype} - a response whose content type cannot be sent
 *   <li>{@code /fail} - throws
 *   <li>{@code /sleep?ms=N} - sleeps N ms, then 200 "slept"
 *   <li>{@code /block} - waits until {@link #UNBLOCK} opens (or 30 s), then 200 "unblocked"
 *   <li>{@code /hang} - ignores interrupts for up to 10 s
 *   <li>{@code /whoami} - 200 with the function's name, counted in {@link #HANDLED}
 * </ul>
 */
public final class RoutingTestFunction implements Function {

    static volatile CountDownLatch UNBLOCK = new CountDownLatch(1);

    /** {@code /whoami} requests handled, by function name (processors in one JVM share this class). */
    static final Map<String, AtomicLong> HANDLED = new ConcurrentHashMap<>();

    @Override
    public Response handle(Context context, Event event) throws Exception {
        return switch (event.path()) {
            case "/echo" ->
                Response.builder()
                        .body(event.bodyBytes())
                        .contentType(event.contentType().isEmpty() ? "application/octet-stream" : event.contentType())
                        .header("X-Method", event.method())
                        .header("X-Query", event.query())
                        .header("X-Worker", Integer.toString(context.workerId()))
                        .header("X-Trigger", context.triggerName())
                        .build();
            case "/badtype" ->
                Response.builder()
                        .contentType("text/plain\r\nX-Injected: yes")
                        .body("x")
                        .build();
            case "/fail" -> throw new IllegalStateException("boom\nsecond line must not reach the client");
            case "/sleep" -> {
                Thread.sleep(Long.parseLong(event.query().substring("ms=".length())));
                yield Response.ok("slept");
            }
            case "/block" -> {
                UNBLOCK.await(30, TimeUnit.SECONDS);
                yield Response.ok("unblocked");
            }
            case "/hang" -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < until && UNBLOCK.getCount() > 0) {
                    Thread.onSpinWait();
                }
                yield Response.ok("finally");
            }
            case "/whoami" -> {
                HANDLED.computeIfAbsent(context.functionName(), name -> new AtomicLong())
                        .incrementAndGet();
                yield Response.ok(context.functionName());
            }
            default -> Response.of(404, "no route " + event.path());
        };
    }
}
