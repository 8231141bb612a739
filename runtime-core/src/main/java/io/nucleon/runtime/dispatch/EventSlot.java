package io.nucleon.runtime.dispatch;

import io.nucleon.function.BatchResult;
import io.nucleon.function.Event;
import io.nucleon.function.Response;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A preallocated ring slot that carries one event from a trigger to a worker and its outcome back. It is
 * the {@link Event} the function sees: a flyweight whose fields are read through the trigger's {@link
 * EventAdapter}, so nothing is copied.
 *
 * <p>The slot's {@code stamp} packs a generation (one per event) with a phase. Every transition is a
 * compare-and-set on the stamp, so a late watchdog or a retired worker can never answer a later event
 * that reuses the slot:
 *
 * <pre>
 *   FREE -claim-> CLAIMED -publish-> QUEUED -worker-> RUNNING -result/timeout-> ANSWERED
 *                                      \---------------no worker in time-------> ANSWERED
 * </pre>
 *
 * Two parties hold a published slot, the worker side and the trigger; it returns to the free list when
 * both have called {@link #release()}.
 */
public final class EventSlot implements Event {

    static final int FREE = 0;
    static final int CLAIMED = 1;
    static final int QUEUED = 2;
    static final int RUNNING = 3;
    static final int ANSWERED = 4;
    private static final int PHASE_BITS = 3;
    private static final long PHASE_MASK = (1 << PHASE_BITS) - 1;

    private static final VarHandle STAMP;
    private static final VarHandle REF_COUNT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STAMP = lookup.findVarHandle(EventSlot.class, "stamp", long.class);
            REF_COUNT = lookup.findVarHandle(EventSlot.class, "refCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WorkerPool pool;

    @SuppressWarnings("unused") // accessed through STAMP
    private volatile long stamp;

    @SuppressWarnings("unused") // accessed through REF_COUNT
    private volatile int refCount;

    private EventDispatcher dispatcher;
    private EventAdapter<Object> adapter;
    private Object attachment;
    private EventCompletion completion;
    private long id;
    private long timestampMillis;
    private long enqueuedNanos;
    private boolean workerWasIdle;
    private ByteBuffer body;
    private EventGroup group;
    private volatile int handledCount;
    private BatchResult batchResult;

    private EventOutcome outcome;
    private Response response;
    private Throwable error;
    private volatile boolean resultReady;

    EventSlot(WorkerPool pool) {
        this.pool = pool;
    }

    // ---- trigger side -------------------------------------------------------------------------------

    /**
     * Whether the outcome can be read. Triggers that answer in order (HTTP pipelining) poll this.
     *
     * @return {@code true} once {@link #outcome()} is set
     */
    public boolean isResultReady() {
        return resultReady;
    }

    /** @return how the event ended; valid once {@link #isResultReady()} */
    public EventOutcome outcome() {
        return outcome;
    }

    /** @return the function's response for {@link EventOutcome#SUCCESS}, else {@code null} */
    public Response response() {
        return response;
    }

    /** @return the function's exception for {@link EventOutcome#FUNCTION_ERROR}, else {@code null} */
    public Throwable error() {
        return error;
    }

    /**
     * For a run ({@link EventGroup#isBatch()} false): how many of its events succeeded, counted from the
     * front. Equal to the group's size on {@link EventOutcome#SUCCESS}; on a failure, the index of the
     * event that failed. After a {@link EventOutcome#TIMEOUT} the stuck worker may still raise it, so
     * it is exact only once the worker has let go: triggers that need it exact then use {@link
     * EventGroup#started(int)}/{@link EventGroup#handled(int)} and {@link EventGroup#release()}. 0 for
     * single events and batches.
     *
     * @return the number of leading events that succeeded
     */
    public int handledCount() {
        return handledCount;
    }

    /** @return for a batch that returned normally, which events failed; else {@code null} */
    public BatchResult batchResult() {
        return batchResult;
    }

    /** @return the group this slot carries, or {@code null} for a single event */
    public EventGroup group() {
        return group;
    }

    /** @return the trigger's own event object, as handed to {@link EventDispatcher#dispatch} */
    public Object attachment() {
        return attachment;
    }

    /** @return the dispatcher the event came through */
    public EventDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * The trigger lets go of the slot: called exactly once per dispatched event, after the trigger has
     * read the outcome (or knows it never will, e.g. its connection closed). The slot is recycled when
     * the worker side has let go too.
     */
    public void release() {
        pool.triggerReleased();
        releaseShare();
    }

    /** The worker side lets go of the slot, once per event. */
    void releaseByWorker() {
        releaseShare();
    }

    private void releaseShare() {
        int remaining = (int) REF_COUNT.getAndAdd(this, -1) - 1;
        if (remaining == 0) {
            recycle();
        } else if (remaining < 0) {
            throw new IllegalStateException("event slot released more often than held");
        }
    }

    // ---- ring mechanics (package-private) -------------------------------------------------------------

    long stamp() {
        return stamp;
    }

    static int phase(long stamp) {
        return (int) (stamp & PHASE_MASK);
    }

    private static long withPhase(long stamp, int phase) {
        return (stamp & ~PHASE_MASK) | phase;
    }

    boolean claim() {
        long current = stamp;
        return phase(current) == FREE && STAMP.compareAndSet(this, current, withPhase(current, CLAIMED));
    }

    /** Gives back a claimed slot that will not be published after all. */
    void unclaim() {
        STAMP.setVolatile(this, withPhase(stamp, FREE));
        pool.recycle(this);
    }

    @SuppressWarnings("unchecked")
    void fill(
            EventDispatcher dispatcher,
            EventAdapter<?> adapter,
            Object attachment,
            EventCompletion completion,
            long id,
            long timestampMillis,
            long nowNanos,
            boolean workerWasIdle) {
        this.dispatcher = dispatcher;
        this.adapter = (EventAdapter<Object>) adapter;
        this.attachment = attachment;
        this.completion = completion;
        this.id = id;
        this.timestampMillis = timestampMillis;
        this.enqueuedNanos = nowNanos;
        this.workerWasIdle = workerWasIdle;
        this.group = adapter == EventGroupAdapter.INSTANCE ? (EventGroup) attachment : null;
        this.handledCount = 0;
        this.refCount = 2;
        long generation = (stamp >>> PHASE_BITS) + 1;
        STAMP.setVolatile(this, (generation << PHASE_BITS) | QUEUED);
    }

    long enqueuedNanos() {
        return enqueuedNanos;
    }

    boolean workerWasIdle() {
        return workerWasIdle;
    }

    /** Worker: takes the right to run the event published under {@code queuedStamp}. */
    boolean startRunning(long queuedStamp) {
        return phase(queuedStamp) == QUEUED && STAMP.compareAndSet(this, queuedStamp, withPhase(queuedStamp, RUNNING));
    }

    static long runningStamp(long queuedStamp) {
        return withPhase(queuedStamp, RUNNING);
    }

    /** Answers the event if it is still in the phase of {@code expectedStamp}; only one caller wins. */
    boolean complete(long expectedStamp, EventOutcome outcome, Response response, Throwable error) {
        if (!tryAnswer(expectedStamp)) {
            return false;
        }
        deliver(outcome, response, error);
        return true;
    }

    /**
     * First step of {@link #complete}: wins the right to answer. The winner does its bookkeeping and
     * then must call {@link #deliver}.
     */
    boolean tryAnswer(long expectedStamp) {
        int phase = phase(expectedStamp);
        return (phase == QUEUED || phase == RUNNING)
                && STAMP.compareAndSet(this, expectedStamp, withPhase(expectedStamp, ANSWERED));
    }

    /** Worker: counts one more leading event of a run as handled. */
    void handled(int count) {
        handledCount = count;
    }

    /** Worker: the batch's result, set before {@link #deliver}. */
    void batchResult(BatchResult result) {
        batchResult = result;
    }

    /** Second step of {@link #complete}: publishes the outcome and tells the trigger. */
    void deliver(EventOutcome outcome, Response response, Throwable error) {
        this.outcome = outcome;
        this.response = response;
        this.error = error;
        this.resultReady = true;
        dispatcher.metrics().recordOutcome(outcome);
        completion.onComplete(this);
    }

    private void recycle() {
        EventAdapter<Object> releasing = adapter;
        Object releasingAttachment = attachment;
        dispatcher = null;
        adapter = null;
        attachment = null;
        completion = null;
        body = null;
        group = null;
        batchResult = null;
        response = null;
        error = null;
        outcome = null;
        resultReady = false;
        STAMP.setVolatile(this, withPhase(stamp, FREE));
        try {
            releasing.release(releasingAttachment);
        } finally {
            pool.recycle(this);
        }
    }

    // ---- Event, for the function ----------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public String triggerKind() {
        return dispatcher.triggerKind();
    }

    @Override
    public String triggerName() {
        return dispatcher.triggerName();
    }

    @Override
    public String contentType() {
        return adapter.contentType(attachment);
    }

    @Override
    public ByteBuffer body() {
        ByteBuffer view = body;
        if (view == null) {
            view = adapter.body(attachment);
            body = view;
        }
        return view;
    }

    @Override
    public int bodySize() {
        return adapter.bodySize(attachment);
    }

    @Override
    public String header(String name) {
        return adapter.header(attachment, name);
    }

    @Override
    public Map<String, String> headers() {
        return adapter.headers(attachment);
    }

    @Override
    public String method() {
        return adapter.method(attachment);
    }

    @Override
    public String path() {
        return adapter.path(attachment);
    }

    @Override
    public String query() {
        return adapter.query(attachment);
    }

    @Override
    public long timestampMillis() {
        return timestampMillis;
    }

    @Override
    public int partition() {
        return adapter.partition(attachment);
    }

    @Override
    public long offset() {
        return adapter.offset(attachment);
    }

    @Override
    public String topic() {
        return adapter.topic(attachment);
    }

    @Override
    public java.nio.ByteBuffer key() {
        return adapter.key(attachment);
    }
}
