package io.nucleon.binding.nats;

import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * A function for the integration tests, using the data binding {@code bus}: the HTTP path says what to do with the
 * request body, the query's {@code subject} where.
 *
 * <ul>
 *   <li>{@code /publish}: core publish of the body (as a string)
 *   <li>{@code /headers}: core publish of the body's bytes with header {@code X-Trace: trace-<body>}
 *   <li>{@code /jetstream}: JetStream publish; answers {@code stream:sequence}, or 502 with the error
 *   <li>{@code /request}: request/reply with a 2 s timeout; answers the reply's body, or 504 with the error
 *   <li>{@code /status}: the connection's status
 * </ul>
 */
public final class NatsFunction implements Function {

    /** The binding each function (by name) fetched in its init, for checks after the processor closed. */
    static final Map<String, NatsBinding> FETCHED = new ConcurrentHashMap<>();

    private NatsBinding nats;

    @Override
    public void init(InitContext context) {
        nats = context.dataBinding("bus", NatsBinding.class);
        FETCHED.put(context.functionName(), nats);
    }

    @Override
    public Response handle(Context context, Event event) throws Exception {
        String subject = subject(event.query());
        return switch (event.path()) {
            case "/publish" -> {
                nats.publish(subject, event.bodyString());
                yield Response.ok("published");
            }
            case "/headers" -> {
                nats.publish(subject, new Headers().add("X-Trace", "trace-" + event.bodyString()), event.bodyBytes());
                yield Response.ok("published");
            }
            case "/jetstream" -> jetStream(subject, event.bodyBytes());
            case "/request" -> request(subject, event.bodyBytes());
            case "/status" -> Response.ok(nats.connection().getStatus().name());
            default -> Response.of(404, "no such operation: " + event.path());
        };
    }

    private Response jetStream(String subject, byte[] body) throws Exception {
        try {
            PublishAck ack = nats.publishJetStream(subject, body);
            return Response.ok(ack.getStream() + ":" + ack.getSeqno());
        } catch (IOException e) {
            return Response.of(502, e.getMessage());
        }
    }

    private Response request(String subject, byte[] body) throws InterruptedException {
        try {
            Message reply = nats.request(subject, body, Duration.ofSeconds(2));
            return Response.ok(new String(reply.getData(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            return Response.of(504, e.getMessage());
        }
    }

    private static String subject(String query) {
        for (String pair : query.split("&")) {
            if (pair.startsWith("subject=")) {
                return URLDecoder.decode(pair.substring("subject=".length()), StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
