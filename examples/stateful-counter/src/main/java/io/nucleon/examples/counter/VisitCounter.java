package io.nucleon.examples.counter;

import io.nucleon.binding.redis.RedisBinding;
import io.nucleon.function.Context;
import io.nucleon.function.Event;
import io.nucleon.function.Function;
import io.nucleon.function.FunctionMetrics;
import io.nucleon.function.InitContext;
import io.nucleon.function.Response;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Counts visits per key and says what the key is. The body of a request is the key ({@code home}, {@code
 * product-42}); the answer is {@code {"key":"home","label":"Home page","visits":3}}.
 *
 * <ul>
 *   <li>The count lives in Redis ({@code INCR visits:<key>} through the {@code visits} data binding), so it
 *       survives restarts and is shared by every replica.
 *   <li>The label is read from Redis ({@code label:<key>}) at most once per key per {@code spec.cache.ttl}: the
 *       context cache, shared by both workers, keeps it. A key without a label is labelled with itself, and that
 *       is cached too, so unknown keys cost no extra Redis call either.
 *   <li>Two meters of its own show on {@code /metrics}: {@code counter_visits_total} and {@code
 *       counter_label_lookups_total} (Redis reads for labels; compare with the visits to see the cache work).
 * </ul>
 */
public final class VisitCounter implements Function {

    /** The data binding's name in function.yaml. */
    static final String BINDING = "visits";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    private RedisBinding redis;
    private FunctionMetrics.Counter visits;
    private FunctionMetrics.Counter labelLookups;

    @Override
    public void init(InitContext context) {
        redis = context.dataBinding(BINDING, RedisBinding.class);
        visits = context.metrics().counter("counter.visits");
        labelLookups = context.metrics().counter("counter.label.lookups");
    }

    @Override
    public Response handle(Context context, Event event) {
        String key = event.bodyString().strip();
        if (!KEY.matcher(key).matches()) {
            return Response.of(400, "the body must be a key: letters, digits, '.', '_', ':' or '-', at most 100\n");
        }
        long count = redis.increment("visits:" + key);
        visits.increment();
        String label = context.cache().get("label:" + key, ignored -> lookUpLabel(key));
        String json = "{\"key\":\"" + key + "\",\"label\":\"" + escape(label) + "\",\"visits\":" + count + "}\n";
        return Response.ok(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private String lookUpLabel(String key) {
        labelLookups.increment();
        String label = redis.get("label:" + key);
        return label == null ? key : label;
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            } else if (c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
