package io.nucleon.trigger.cron;

import io.nucleon.runtime.dispatch.EventAdapter;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Reads a tick's event fields: the trigger's {@code event} attribute, and the tick's sequence number as
 * {@code offset()}. Stream fields other than the offset keep their neutral values.
 */
enum CronEventAdapter implements EventAdapter<CronTick> {
    INSTANCE;

    @Override
    public ByteBuffer body(CronTick tick) {
        return tick.body();
    }

    @Override
    public int bodySize(CronTick tick) {
        return tick.template().bodySize();
    }

    @Override
    public String contentType(CronTick tick) {
        return tick.template().contentType();
    }

    @Override
    public String header(CronTick tick, String name) {
        return tick.template().header(name);
    }

    @Override
    public Map<String, String> headers(CronTick tick) {
        return tick.template().headers();
    }

    @Override
    public String method(CronTick tick) {
        return tick.template().method();
    }

    @Override
    public String path(CronTick tick) {
        return tick.template().path();
    }

    @Override
    public long timestampMillis(CronTick tick) {
        return tick.scheduledMillis();
    }

    @Override
    public long offset(CronTick tick) {
        return tick.sequence();
    }

    @Override
    public void release(CronTick tick) {
        tick.recycle();
    }
}
