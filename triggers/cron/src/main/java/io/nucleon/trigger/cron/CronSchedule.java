package io.nucleon.trigger.cron;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Ticks at the instants a cron expression matches, in a time zone. Parsing and the next-match
 * arithmetic are cron-utils' ({@code com.cronutils:cron-utils}):
 *
 * <ul>
 *   <li>5 fields ({@code minute hour day-of-month month day-of-week}): cron-utils' {@link CronType#UNIX}
 *       definition, as crontab(5) reads them;
 *   <li>6 fields (a leading {@code second}): its {@link CronType#SPRING53} definition, Spring 5.3's
 *       syntax, which also knows {@code ?}, {@code L}, {@code W}, {@code #} and the nicknames
 *       {@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @hourly}.
 * </ul>
 */
final class CronSchedule implements TickSchedule {

    /**
     * Ticks counted at most per catch-up: after a pause of a day, a schedule that ticks every second
     * would otherwise cost 86 400 next-match computations before the next tick could fire.
     */
    static final long MAX_COUNTED_TICKS = 10_000;

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime executionTime) {
        this.expression = expression;
        this.zone = zone;
        this.executionTime = executionTime;
    }

    /**
     * Parses a cron expression.
     *
     * @param expression 5 or 6 fields, or a nickname such as {@code @daily}
     * @param zone the time zone the fields are read in
     * @return the schedule
     * @throws IllegalArgumentException with the reason, when the expression is invalid
     */
    static CronSchedule parse(String expression, ZoneId zone) {
        String trimmed = expression.trim();
        CronParser parser = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(definitionFor(trimmed)));
        ExecutionTime executionTime =
                ExecutionTime.forCron(parser.parse(trimmed).validate());
        return new CronSchedule(trimmed, zone, executionTime);
    }

    private static CronType definitionFor(String expression) {
        if (expression.startsWith("@")) {
            return CronType.SPRING53; // the definition that knows the nicknames
        }
        int fields = expression.isEmpty() ? 0 : expression.split("\\s+").length;
        return switch (fields) {
            case 5 -> CronType.UNIX;
            case 6 -> CronType.SPRING53;
            default ->
                throw new IllegalArgumentException("has " + fields + " fields; expected 5 (minute hour day-of-month"
                        + " month day-of-week) or 6 (second minute hour day-of-month month day-of-week)");
        };
    }

    @Override
    public long nextAfter(long tickMillis, long nowMillis) {
        Optional<ZonedDateTime> next =
                executionTime.nextExecution(Instant.ofEpochMilli(nowMillis).atZone(zone));
        return next.isPresent() ? next.get().toInstant().toEpochMilli() : NEVER;
    }

    @Override
    public long count(long fromMillis, long toMillis) {
        long counted = 0;
        long tick = fromMillis;
        while (tick < toMillis && counted < MAX_COUNTED_TICKS) {
            counted++;
            tick = nextAfter(tick, tick);
        }
        return counted;
    }

    @Override
    public String describe() {
        return "cron '" + expression + "' in " + zone;
    }

    @Override
    public String toString() {
        return describe();
    }
}
