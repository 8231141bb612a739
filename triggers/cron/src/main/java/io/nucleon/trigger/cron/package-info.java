/**
 * The {@code cron} trigger: events on a cron schedule (5 or 6 fields, parsed by cron-utils) or at a fixed
 * interval. A {@code CronAgent} on its own thread decides when a tick fires; late
 * ticks fire once, overlapping ticks are skipped unless allowed, and neither ever blocks the scheduler.
 */
package io.nucleon.trigger.cron;
