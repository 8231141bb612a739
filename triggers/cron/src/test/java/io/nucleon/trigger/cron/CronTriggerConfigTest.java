package io.nucleon.trigger.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nucleon.config.ConfigException;
import io.nucleon.config.FunctionConfigLoader;
import io.nucleon.trigger.cron.CronTriggerConfig.ConcurrencyPolicy;
import io.nucleon.trigger.cron.CronTriggerConfig.MissedTickPolicy;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Reading a {@code cron} trigger's attributes out of function.yaml text. */
class CronTriggerConfigTest {

    /** The attribute lines start at line 11 of the file. */
    private static CronTriggerConfig parse(String attributes) {
        String yaml = """
                apiVersion: nuclio.io/v1
                kind: NuclioFunction
                metadata:
                  name: cron-test
                spec:
                  handler: io.nucleon.trigger.cron.TickRecorder
                  triggers:
                    tick:
                      kind: cron
                      attributes:
                %s
                """.formatted(attributes.indent(8).stripTrailing());
        return CronTriggerConfig.from(FunctionConfigLoader.parse(yaml, "function.yaml")
                .spec()
                .triggers()
                .get("tick")
                .attributes());
    }

    private static long millis(int hour, int minute, int second) {
        return ZonedDateTime.of(2024, 1, 1, hour, minute, second, 0, ZoneId.of("UTC"))
                .toInstant()
                .toEpochMilli();
    }

    @Test
    void shouldReadAFiveFieldExpressionAsUnixCron() {
        CronTriggerConfig config = parse("schedule: '*/5 * * * *'\ntimeZone: UTC");

        TickSchedule schedule = config.schedule();
        assertThat(schedule).isInstanceOf(CronSchedule.class);
        assertThat(schedule.nextAfter(0, millis(0, 0, 0))).isEqualTo(millis(0, 5, 0));
        assertThat(schedule.nextAfter(0, millis(0, 7, 30))).isEqualTo(millis(0, 10, 0));
    }

    @Test
    void shouldReadASixFieldExpressionWithLeadingSeconds() {
        TickSchedule schedule =
                parse("schedule: '*/2 * * * * *'\ntimeZone: UTC").schedule();

        assertThat(schedule.nextAfter(0, millis(0, 0, 0))).isEqualTo(millis(0, 0, 2));
        assertThat(schedule.nextAfter(0, millis(0, 0, 3) - 1)).isEqualTo(millis(0, 0, 4));
    }

    @Test
    void shouldReadCronFieldsInTheGivenTimeZone() {
        TickSchedule schedule =
                parse("schedule: '0 9 * * *'\ntimeZone: Europe/Berlin").schedule();

        assertThat(schedule.nextAfter(0, millis(0, 0, 0))).isEqualTo(millis(8, 0, 0)); // 09:00 CET
    }

    @Test
    void shouldAcceptNicknames() {
        TickSchedule schedule = parse("schedule: '@hourly'\ntimeZone: UTC").schedule();

        assertThat(schedule.nextAfter(0, millis(0, 30, 0))).isEqualTo(millis(1, 0, 0));
    }

    @Test
    void shouldReadNucliosEveryScheduleAsAnInterval() {
        assertThat(parse("schedule: '@every 1m30s'").schedule()).isEqualTo(new IntervalSchedule(90_000, "1m30s"));
    }

    @Test
    void shouldReadAnInterval() {
        CronTriggerConfig config = parse("interval: 250ms");

        assertThat(config.schedule()).isEqualTo(new IntervalSchedule(250, "250ms"));
        assertThat(config.schedule().nextAfter(1_000, 1_000)).isEqualTo(1_250);
        assertThat(config.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.FORBID);
        assertThat(config.missedTickPolicy()).isEqualTo(MissedTickPolicy.FIRE_ONCE);
    }

    @Test
    void shouldTreatAnEmptyScheduleAsAbsentLikeNuclio() {
        assertThat(parse("schedule: ''\ninterval: 5s").schedule()).isEqualTo(new IntervalSchedule(5_000, "5s"));
    }

    @Test
    void shouldRejectBothScheduleAndInterval() {
        assertThatThrownBy(() -> parse("schedule: '* * * * *'\ninterval: 5s"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 12: spec.triggers.tick.attributes.interval: cannot be combined with"
                        + " 'schedule': set exactly one of the two");
    }

    @Test
    void shouldRejectNeitherScheduleNorInterval() {
        assertThatThrownBy(() -> parse("concurrencyPolicy: allow"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line 10: spec.triggers.tick.attributes: needs 'schedule'")
                .hasMessageContaining("or 'interval'");
    }

    @Test
    void shouldNameTheFieldLineAndLibraryReasonForABadExpression() {
        assertThatThrownBy(() -> parse("interval: ''\nschedule: '61 * * * *'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("function.yaml line 12: spec.triggers.tick.attributes.schedule: invalid cron"
                        + " expression '61 * * * *': ")
                .hasMessageContaining("Value 61 not in range [0, 59]");
    }

    @Test
    void shouldRejectAnExpressionWithTheWrongNumberOfFields() {
        assertThatThrownBy(() -> parse("schedule: '* * *'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.triggers.tick.attributes.schedule")
                .hasMessageContaining("has 3 fields; expected 5");
    }

    @Test
    void shouldRejectAnExpressionThatNeverMatches() {
        assertThatThrownBy(() -> parse("schedule: '0 0 30 2 *'"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 11")
                .hasMessageContaining("never matches a future date");
    }

    @Test
    void shouldRejectABadInterval() {
        assertThatThrownBy(() -> parse("interval: soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "function.yaml line 11: spec.triggers.tick.attributes.interval: must be a" + " duration");
        assertThatThrownBy(() -> parse("interval: 0s"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be at least 1ms");
    }

    @Test
    void shouldRejectATimeZoneWithAnInterval() {
        assertThatThrownBy(() -> parse("interval: 1s\ntimeZone: UTC"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("attributes.timeZone: applies to 'schedule' only");
        assertThatThrownBy(() -> parse("schedule: '* * * * *'\ntimeZone: Mars/Olympus"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be a time zone ID");
    }

    @Test
    void shouldRejectAnUnknownAttribute() {
        assertThatThrownBy(() -> parse("interval: 1s\nscheduel: '* * * * *'"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function.yaml line 12: spec.triggers.tick.attributes.scheduel: unknown field (known"
                        + " fields: concurrencyPolicy, event, interval, missedTickPolicy, schedule, timeZone)");
    }

    @Test
    void shouldReadPolicies() {
        CronTriggerConfig config = parse("interval: 1s\nconcurrencyPolicy: Allow\nmissedTickPolicy: skip");

        assertThat(config.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.ALLOW);
        assertThat(config.missedTickPolicy()).isEqualTo(MissedTickPolicy.SKIP);
        assertThat(parse("interval: 1s\nmissedTickPolicy: fireOnce").missedTickPolicy())
                .isEqualTo(MissedTickPolicy.FIRE_ONCE);
        assertThatThrownBy(() -> parse("interval: 1s\nconcurrencyPolicy: replace"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("concurrencyPolicy: must be one of forbid, allow, got 'replace'");
    }

    @Test
    void shouldReadTheEventBodyAndHeaders() {
        CronEventTemplate event = parse("""
                        interval: 1s
                        event:
                          body: '{"job": "nightly"}'
                          headers:
                            Content-Type: application/json
                            X-Retries: 3
                        """).event();

        CronTick tick = new CronTick(event, null).reset(7, 1_000);
        assertThat(StandardCharsets.UTF_8
                        .decode(CronEventAdapter.INSTANCE.body(tick))
                        .toString())
                .isEqualTo("{\"job\": \"nightly\"}");
        assertThat(CronEventAdapter.INSTANCE.bodySize(tick)).isEqualTo(18);
        assertThat(CronEventAdapter.INSTANCE.header(tick, "x-retries")).isEqualTo("3");
        assertThat(CronEventAdapter.INSTANCE.headers(tick)).containsOnlyKeys("Content-Type", "X-Retries");
        assertThat(CronEventAdapter.INSTANCE.contentType(tick)).isEqualTo("application/json");
        assertThat(CronEventAdapter.INSTANCE.offset(tick)).isEqualTo(7);
        assertThat(CronEventAdapter.INSTANCE.path(tick)).isEmpty();
        assertThat(CronEventAdapter.INSTANCE.method(tick)).isEmpty();
    }

    @Test
    void shouldDefaultToAnEmptyEvent() {
        CronTick tick = new CronTick(parse("interval: 1s").event(), null).reset(0, 1_000);

        assertThat(CronEventAdapter.INSTANCE.bodySize(tick)).isZero();
        assertThat(CronEventAdapter.INSTANCE.body(tick).remaining()).isZero();
        assertThat(CronEventAdapter.INSTANCE.contentType(tick)).isEmpty();
        assertThat(CronEventAdapter.INSTANCE.headers(tick)).isEmpty();
        assertThat(CronEventAdapter.INSTANCE.header(tick, "X-Anything")).isNull();
    }

    @Test
    void shouldRejectBadEventFields() {
        assertThatThrownBy(() -> parse("interval: 1s\nevent:\n  bodY: x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.triggers.tick.attributes.event.bodY: unknown field");
        assertThatThrownBy(() -> parse("interval: 1s\nevent:\n  headers:\n    X-A: 1\n    x-a: 2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 15: spec.triggers.tick.attributes.event.headers.x-a: is given twice");
        assertThatThrownBy(() -> parse("interval: 1s\nevent:\n  headers:\n    X-A: {nested: 1}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("event.headers.X-A: must be a single value");
    }
}
