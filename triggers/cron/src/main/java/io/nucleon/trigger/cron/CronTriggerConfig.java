package io.nucleon.trigger.cron;

import io.nucleon.config.ConfigNode;
import io.nucleon.config.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code attributes} of a {@code cron} trigger.
 *
 * @param schedule when ticks fall due: from {@code schedule} or {@code interval}, exactly one of which is set
 * @param concurrencyPolicy whether a tick may start while the previous one still runs
 * @param missedTickPolicy what happens to ticks that fell due while the trigger could not fire
 * @param event what the function receives on each tick
 */
record CronTriggerConfig(
        TickSchedule schedule,
        ConcurrencyPolicy concurrencyPolicy,
        MissedTickPolicy missedTickPolicy,
        CronEventTemplate event) {

    /** Whether ticks of one trigger may overlap. */
    enum ConcurrencyPolicy {
        /** A tick that falls due while the previous one is still queued or running is skipped (counted). */
        FORBID,
        /** Ticks run side by side, as many as the trigger's workers allow. */
        ALLOW
    }

    /** What happens to ticks that fell due while the processor was paused, slow, or had no free slot. */
    enum MissedTickPolicy {
        /** Fire once as soon as possible for all of them together, then go on with the schedule. */
        FIRE_ONCE,
        /** Fire none of them; the next tick is the next one on the schedule. */
        SKIP
    }

    /** Default {@code concurrencyPolicy}: {@code forbid}. */
    static final ConcurrencyPolicy DEFAULT_CONCURRENCY_POLICY = ConcurrencyPolicy.FORBID;

    /** Default {@code missedTickPolicy}: {@code fireOnce}. */
    static final MissedTickPolicy DEFAULT_MISSED_TICK_POLICY = MissedTickPolicy.FIRE_ONCE;

    /** Attributes read here. {@code timeZone} applies to {@code schedule} only. */
    static final List<String> ATTRIBUTES =
            List.of("schedule", "interval", "timeZone", "event", "concurrencyPolicy", "missedTickPolicy");

    /** Fields of {@code event}; {@code path} and {@code method} are Nuclio's. */
    static final List<String> EVENT_FIELDS = List.of("body", "headers", "path", "method");

    /** Nuclio's (robfig/cron's) way to write an interval as a schedule: {@code @every 1h30m}. */
    private static final String EVERY = "@every ";

    /**
     * Reads and validates the attributes.
     *
     * @param attributes the trigger's {@code attributes} mapping
     * @return the configuration
     * @throws io.nucleon.config.ConfigException naming the bad attribute and its line
     */
    static CronTriggerConfig from(ConfigNode attributes) {
        attributes.rejectUnknown(ATTRIBUTES);
        return new CronTriggerConfig(
                schedule(attributes),
                oneOf(attributes, "concurrencyPolicy", ConcurrencyPolicy.values(), DEFAULT_CONCURRENCY_POLICY),
                oneOf(attributes, "missedTickPolicy", MissedTickPolicy.values(), DEFAULT_MISSED_TICK_POLICY),
                attributes.child("event").map(CronTriggerConfig::event).orElse(CronEventTemplate.EMPTY));
    }

    private static TickSchedule schedule(ConfigNode attributes) {
        // Nuclio's dashboard writes both keys with one left empty: an empty value counts as absent.
        Optional<ConfigNode> schedule = nonBlank(attributes, "schedule");
        Optional<ConfigNode> interval = nonBlank(attributes, "interval");
        if (schedule.isPresent() && interval.isPresent()) {
            throw interval.get().error("cannot be combined with 'schedule': set exactly one of the two");
        }
        if (schedule.isEmpty() && interval.isEmpty()) {
            throw attributes.error("needs 'schedule' (a cron expression such as '*/5 * * * *') or 'interval'"
                    + " (a duration such as 30s)");
        }
        Optional<ConfigNode> timeZone = attributes.child("timeZone");
        if (interval.isPresent()) {
            if (timeZone.isPresent()) {
                throw timeZone.get().error("applies to 'schedule' only, not to 'interval'");
            }
            ConfigNode node = interval.get();
            return interval(
                    node,
                    attributes.duration("interval", Duration.ZERO),
                    node.scalar().trim());
        }
        return cron(schedule.get(), timeZone.map(CronTriggerConfig::zone).orElse(ZoneId.systemDefault()));
    }

    private static Optional<ConfigNode> nonBlank(ConfigNode attributes, String key) {
        return attributes.child(key).filter(node -> !node.scalar().isBlank());
    }

    private static TickSchedule interval(ConfigNode node, Duration interval, String text) {
        if (interval.toMillis() < 1) {
            throw node.error("must be at least 1ms, got '" + text + "'");
        }
        return IntervalSchedule.of(interval, text);
    }

    private static TickSchedule cron(ConfigNode node, ZoneId zone) {
        String expression = node.scalar().trim();
        if (expression.startsWith(EVERY)) {
            String text = expression.substring(EVERY.length()).trim();
            return interval(node, duration(node, text), text);
        }
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(expression, zone);
        } catch (IllegalArgumentException e) {
            throw node.error("invalid cron expression '" + expression + "': " + e.getMessage());
        }
        long now = Instant.now().toEpochMilli();
        if (schedule.nextAfter(now, now) == TickSchedule.NEVER) {
            throw node.error("cron expression '" + expression + "' never matches a future date");
        }
        return schedule;
    }

    private static Duration duration(ConfigNode node, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error("'@every' " + e.getMessage());
        }
    }

    private static ZoneId zone(ConfigNode node) {
        String id = node.scalar().trim();
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw node.error("must be a time zone ID such as UTC or Europe/Berlin, got '" + id + "'");
        }
    }

    /** Accepts Nuclio's and Kubernetes' spellings: {@code forbid}, {@code Forbid}, {@code fireOnce}, {@code FIRE_ONCE}. */
    private static <E extends Enum<E>> E oneOf(ConfigNode attributes, String key, E[] values, E defaultValue) {
        Optional<ConfigNode> child = attributes.child(key);
        if (child.isEmpty()) {
            return defaultValue;
        }
        String text = child.get().scalar().trim();
        String normalized = text.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
        for (E value : values) {
            if (value.name().replace("_", "").toLowerCase(Locale.ROOT).equals(normalized)) {
                return value;
            }
        }
        throw child.get().error("must be one of " + spellings(values) + ", got '" + text + "'");
    }

    private static <E extends Enum<E>> String spellings(E[] values) {
        StringBuilder text = new StringBuilder();
        for (E value : values) {
            text.append(text.isEmpty() ? "" : ", ").append(spelling(value));
        }
        return text.toString();
    }

    /** The documented spelling: {@code FIRE_ONCE} becomes {@code fireOnce}. */
    static String spelling(Enum<?> value) {
        String[] words = value.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder text = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            text.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return text.toString();
    }

    private static CronEventTemplate event(ConfigNode event) {
        event.rejectUnknown(EVENT_FIELDS);
        Map<String, String> headers =
                event.child("headers").map(CronTriggerConfig::headers).orElse(Map.of());
        return new CronEventTemplate(
                event.string("body", ""), headers, event.string("path", ""), event.string("method", ""));
    }

    private static Map<String, String> headers(ConfigNode headers) {
        Map<String, String> values = headers.stringMap();
        Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, ConfigNode> entry : headers.entries().entrySet()) {
            if (entry.getKey().isBlank()) {
                throw entry.getValue().error("a header name must not be empty");
            }
            if (!seen.add(entry.getKey())) {
                throw entry.getValue().error("is given twice (header names ignore case)");
            }
        }
        return values;
    }
}
