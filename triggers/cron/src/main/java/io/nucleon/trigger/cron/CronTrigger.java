package io.nucleon.trigger.cron;

import io.micrometer.core.instrument.Tags;
import io.nucleon.runtime.spi.Trigger;
import io.nucleon.runtime.spi.TriggerContext;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires events on a cron schedule or at a fixed interval. One {@link CronAgent} on a thread of its own
 * decides when; see {@link CronTriggerConfig} for the attributes and {@link CronAgent} for what happens
 * to late and overlapping ticks.
 */
public final class CronTrigger implements Trigger {

    private static final Logger LOG = LoggerFactory.getLogger(CronTrigger.class);

    /** How long close() waits before it interrupts the agent's park (at most {@link CronIdleStrategy#MAX_PARK_MS}). */
    private static final int CLOSE_WAIT_MS = 20;

    /** At most one line per this many milliseconds about the agent's own failures. */
    private static final long AGENT_ERROR_LOG_WINDOW_MS = 60_000;

    private final TriggerContext context;
    private final CronTriggerConfig config;
    private final CronTriggerMetrics metrics;
    private final CronAgent agent;
    private final EpochClock clock;
    private final LogThrottle agentErrors = new LogThrottle(AGENT_ERROR_LOG_WINDOW_MS);
    private AgentRunner runner;
    private boolean closed;

    CronTrigger(TriggerContext context, CronTriggerConfig config) {
        this(context, config, SystemEpochClock.INSTANCE);
    }

    CronTrigger(TriggerContext context, CronTriggerConfig config, EpochClock clock) {
        this.context = context;
        this.config = config;
        this.clock = clock;
        Tags tags = Tags.of(
                "function", context.functionName(), "trigger_kind", CronTriggerFactory.KIND, "trigger_id", name());
        this.metrics = new CronTriggerMetrics(context.registry(), tags);
        CronDispatch dispatch =
                new CronDispatch(name(), context.functionName(), context.dispatcher(), config.event(), metrics, clock);
        this.agent = new CronAgent(
                "nucleon-cron-" + name(), config, context.config().numWorkers(), clock, dispatch, metrics);
    }

    @Override
    public String name() {
        return context.config().name();
    }

    @Override
    public String kind() {
        return CronTriggerFactory.KIND;
    }

    @Override
    public synchronized void start() {
        if (closed || runner != null) {
            throw new IllegalStateException("trigger '" + name() + "': already started or closed");
        }
        runner = new AgentRunner(new CronIdleStrategy(agent), this::onAgentError, null, agent);
        AgentRunner.startOnThread(runner, r -> Thread.ofPlatform().daemon(true).unstarted(r));
        LOG.atInfo()
                .setMessage("cron trigger started")
                .addKeyValue("trigger", name())
                .addKeyValue("schedule", config.schedule().describe())
                .addKeyValue("concurrencyPolicy", CronTriggerConfig.spelling(config.concurrencyPolicy()))
                .addKeyValue("missedTickPolicy", CronTriggerConfig.spelling(config.missedTickPolicy()))
                .log();
    }

    @Override
    public void stopAccepting() {
        agent.stopAccepting();
    }

    /** Stops the agent's thread; ticks already fired still run and are counted. Idempotent. */
    @Override
    public synchronized void close() {
        agent.stopAccepting();
        closed = true;
        if (runner != null) {
            // The agent parks up to 100 ms between ticks; after a short wait, interrupt the park. Quietly:
            // the default close-fail action prints to stderr.
            runner.close(CLOSE_WAIT_MS, thread -> {});
        }
    }

    private void onAgentError(Throwable error) {
        long heldBack = agentErrors.tryAcquire(clock.time());
        if (heldBack != LogThrottle.HOLD) {
            LOG.atWarn()
                    .setMessage("cron trigger's scheduler failed; ticks may be late or missing")
                    .addKeyValue("trigger", name())
                    .addKeyValue("errorsNotLogged", heldBack)
                    .setCause(error)
                    .log();
        }
    }

    CronTriggerMetrics metrics() {
        return metrics;
    }
}
