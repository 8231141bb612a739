package io.nucleon.testing.functions;

import io.nucleon.function.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the test functions of one function name saw, and how they behave, so a test can assert on order,
 * attempts, event fields, concurrency and batch shapes.
 *
 * <p>The runtime builds its functions by class name from function.yaml, so a test cannot hand them a
 * recorder: both sides look it up by the function's name ({@link #of}). Each test therefore uses a function
 * name of its own. The functions write from worker threads while the test reads, so every list here is
 * safe to read at any moment and shows runs in the order they were recorded.
 *
 * <p>Behaviour by value (an event's body as text): values starting {@code poison} always fail; {@code
 * flaky} fail their first run; {@code fail<N>-} (say {@code fail2-x}) fail their first N runs; values in
 * {@link #failing()} fail while they are in it; {@code hang} values block in the function (see {@link
 * #hangMillis}); every run first sleeps {@link #delayMillis}.
 */
public final class Recorder {

    private static final Map<String, Recorder> BY_FUNCTION = new ConcurrentHashMap<>();
    private static final Pattern FAIL_N_TIMES = Pattern.compile("fail(\\d+)-.*", Pattern.DOTALL);

    private final List<Run> seen = new CopyOnWriteArrayList<>();
    private final List<String> timeline = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<Long> batchNanos = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final Set<String> partitionsRunning = ConcurrentHashMap.newKeySet();
    private final AtomicInteger maxPartitionsAtOnce = new AtomicInteger();
    private final AtomicInteger drains = new AtomicInteger();
    private final List<String> drainThreads = new CopyOnWriteArrayList<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final CountDownLatch release = new CountDownLatch(1);

    private volatile long delayMillis;
    private volatile long hangMillis = 60_000;
    private volatile boolean hangThroughInterrupts;
    private volatile boolean hangOnEveryRun;

    private Recorder() {}

    /**
     * @param function the function's name in function.yaml
     * @return the recorder of that function, made on first use
     */
    public static Recorder of(String function) {
        return BY_FUNCTION.computeIfAbsent(function, name -> new Recorder());
    }

    /**
     * Forgets the recorder of {@code function} and {@linkplain #release() releases} its hangs, so runs a
     * closed processor abandoned end now instead of holding a thread for the rest of the build.
     */
    public static void reset(String function) {
        Recorder recorder = BY_FUNCTION.remove(function);
        if (recorder != null) {
            recorder.release();
        }
    }

    // ---------------------------------------------------------------- behaviour

    /** Makes every later run sleep this long before it does anything else (0, the default: no sleep). */
    public Recorder delayMillis(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /**
     * How long a {@code hang} value blocks at most unless {@linkplain #release() released} first (default 60
     * s). Without a release this is simply how long the run takes: long enough to outlast an event timeout,
     * or a processor's close.
     */
    public Recorder hangMillis(long millis) {
        this.hangMillis = millis;
        return this;
    }

    /**
     * Whether a hang goes on through interrupts, as a function stuck in blocking I/O or a tight loop does.
     * By default an interrupt (the runtime's event-timeout watchdog, a closing processor) ends the hang and
     * the run fails with the {@link InterruptedException}.
     */
    public Recorder hangThroughInterrupts(boolean ignoreInterrupts) {
        this.hangThroughInterrupts = ignoreInterrupts;
        return this;
    }

    /**
     * Whether {@code hang} values block on every run until {@linkplain #release() released}. By default
     * they block on their first run only, so a retry succeeds.
     */
    public Recorder hangOnEveryRun(boolean everyRun) {
        this.hangOnEveryRun = everyRun;
        return this;
    }

    /** Ends every hang, now and later: {@code hang} values run through from here on. */
    public void release() {
        release.countDown();
    }

    /** @return the values that fail for as long as they are in this set, which the test may change at any time */
    public Set<String> failing() {
        return failing;
    }

    // ---------------------------------------------------------------- what the functions saw

    /** @return every recorded run, in the order recorded (a live, read-only view) */
    public List<Run> seen() {
        return Collections.unmodifiableList(seen);
    }

    /**
     * @return "start {@code <value>#<attempt>}" and "end {@code <value>#<attempt>}" of every run of a single
     *     event, in the order they happened, so a test can see whether runs overlapped (a live, read-only
     *     view)
     */
    public List<String> timeline() {
        return Collections.unmodifiableList(timeline);
    }

    /** @return how many runs of {@code value} have started, across every processor of the function */
    public int attemptsOf(String value) {
        AtomicInteger count = attempts.get(value);
        return count == null ? 0 : count.get();
    }

    /** @return how many runs are going on now */
    public int running() {
        return running.get();
    }

    /** @return the most runs that went on at the same moment */
    public int maxRunning() {
        return maxRunning.get();
    }

    /** @return the most partitions (of any topic; shards, for Kinesis) that had a run going on at one moment */
    public int maxPartitionsAtOnce() {
        return maxPartitionsAtOnce.get();
    }

    /** @return the size of each batch a batch function was handed, in the order they came */
    public List<Integer> batchSizes() {
        return Collections.unmodifiableList(batchSizes);
    }

    /** @return the values of each batch, in the order the batches came */
    public List<List<String>> batches() {
        return Collections.unmodifiableList(batches);
    }

    /** @return {@link System#nanoTime()} when each batch reached the function, in the order of {@link #batches()} */
    public List<Long> batchNanos() {
        return Collections.unmodifiableList(batchNanos);
    }

    /** @return how many times the runtime called the function's drain hook */
    public int drains() {
        return drains.get();
    }

    /** @return the worker thread of each drain hook run ({@code nucleon-worker-<trigger>-<n>}) */
    public List<String> drainThreads() {
        return Collections.unmodifiableList(drainThreads);
    }

    // ---------------------------------------------------------------- queries

    /** @return the successful runs that {@code filter} accepts, in the order they were recorded */
    public List<Run> succeeded(Predicate<Run> filter) {
        List<Run> runs = new ArrayList<>();
        for (Run run : seen) {
            if (run.succeeded() && filter.test(run)) {
                runs.add(run);
            }
        }
        return runs;
    }

    /** @return values handled successfully, in the order they were handled (repeats included) */
    public List<String> succeededValues() {
        return values(succeeded(run -> true));
    }

    /** @return values one trigger handled successfully, in the order it handled them */
    public List<String> succeededValuesBy(String trigger) {
        return values(succeeded(run -> run.trigger().equals(trigger)));
    }

    /** @return values of one topic's events handled successfully, in the order they were handled */
    public List<String> succeededValuesOn(String topic) {
        return values(succeeded(run -> topic.equals(run.topic())));
    }

    /** @return offsets of one partition's successful runs (of any trigger), in the order they were handled */
    public List<Long> succeededOffsets(int partition) {
        return offsets(succeeded(run -> run.partition() == partition));
    }

    /** @return offsets of one partition that one trigger handled successfully, in the order it handled them */
    public List<Long> succeededOffsets(String trigger, int partition) {
        return offsets(
                succeeded(run -> run.partition() == partition && run.trigger().equals(trigger)));
    }

    /** @return the first successful run of {@code value}, or {@code null} if there is none yet */
    public Run firstSuccess(String value) {
        List<Run> runs = succeeded(run -> run.value().equals(value));
        return runs.isEmpty() ? null : runs.get(0);
    }

    /** @return the last successful run of {@code value}, or {@code null} if there is none yet */
    public Run lastSuccess(String value) {
        List<Run> runs = succeeded(run -> run.value().equals(value));
        return runs.isEmpty() ? null : runs.get(runs.size() - 1);
    }

    /** @return every recorded run of {@code value}, failed or not, in the order recorded */
    public List<Run> runsOf(String value) {
        return seen.stream().filter(run -> run.value().equals(value)).toList();
    }

    private static List<String> values(List<Run> runs) {
        return runs.stream().map(Run::value).collect(Collectors.toCollection(ArrayList::new));
    }

    private static List<Long> offsets(List<Run> runs) {
        return runs.stream().map(Run::offset).collect(Collectors.toCollection(ArrayList::new));
    }

    // ---------------------------------------------------------------- used by the functions

    /** Counts a run of {@code value}; @return its number, from 1 */
    int attempt(String value) {
        return attempts.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
    }

    /** @return whether this run of {@code value} is to fail, by the rules in the class comment */
    boolean shouldFail(String value, int attempt) {
        if (value.startsWith("poison") || failing.contains(value)) {
            return true;
        }
        if (value.startsWith("flaky")) {
            return attempt == 1;
        }
        Matcher failNTimes = FAIL_N_TIMES.matcher(value);
        return failNTimes.matches() && attempt <= Integer.parseInt(failNTimes.group(1));
    }

    /** A run of one event begins: counts what runs at once and notes the start in the timeline. */
    void started(Event event, String value, int attempt) {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        partitionsRunning.add(partitionOf(event));
        maxPartitionsAtOnce.accumulateAndGet(partitionsRunning.size(), Math::max);
        timeline.add("start " + value + "#" + attempt);
    }

    void ended(Event event, String value, int attempt) {
        timeline.add("end " + value + "#" + attempt);
        partitionsRunning.remove(partitionOf(event));
        running.decrementAndGet();
    }

    private static String partitionOf(Event event) {
        return event.topic() + "/" + event.partition();
    }

    void delay() throws InterruptedException {
        long millis = delayMillis;
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** Blocks a {@code hang} value as {@link #hangMillis}, {@link #hangThroughInterrupts} and {@link #hangOnEveryRun} say. */
    void hangIfAsked(String value, int attempt) throws InterruptedException {
        if (!value.startsWith("hang") || (attempt > 1 && !hangOnEveryRun)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hangMillis);
        while (release.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                release.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                if (!hangThroughInterrupts) {
                    throw e;
                }
            }
        }
    }

    void record(Run run) {
        seen.add(run);
    }

    void recordBatch(List<String> values, long arrivedNanos) {
        batchSizes.add(values.size());
        batchNanos.add(arrivedNanos);
        batches.add(List.copyOf(values));
    }

    void drained() {
        drainThreads.add(Thread.currentThread().getName());
        drains.incrementAndGet();
    }
}
