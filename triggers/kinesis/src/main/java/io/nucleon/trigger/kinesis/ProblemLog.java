package io.nucleon.trigger.kinesis;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Logs what keeps the trigger from working without flooding the log: a problem when it changes, then again
 * every {@value #REPEAT_SECONDS} s while it lasts; the stack trace once per outage. Poll thread only.
 */
final class ProblemLog {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisPollLoop.class);
    static final long REPEAT_SECONDS = 10;

    private final String triggerName;
    private String lastLogged;
    private long lastLoggedNanos;

    ProblemLog(String triggerName) {
        this.triggerName = triggerName;
    }

    void problem(String problem, Exception cause) {
        long now = System.nanoTime();
        if (problem.equals(lastLogged) && now - lastLoggedNanos < TimeUnit.SECONDS.toNanos(REPEAT_SECONDS)) {
            return;
        }
        boolean first = lastLogged == null;
        lastLogged = problem;
        lastLoggedNanos = now;
        var line = LOG.atWarn()
                .setMessage("kinesis trigger cannot work right now; trying again")
                .addKeyValue("trigger", triggerName)
                .addKeyValue("problem", problem);
        if (first && !(cause instanceof AwsServiceException)) {
            line = line.setCause(cause); // a service's answer says it all; a client failure's stack may not
        }
        line.log();
    }

    void solved(String what) {
        lastLogged = null;
        LOG.atInfo().setMessage(what).addKeyValue("trigger", triggerName).log();
    }
}
