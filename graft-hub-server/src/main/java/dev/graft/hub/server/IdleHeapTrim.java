package dev.graft.hub.server;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hands heap back to the operating system after a burst of large request bodies. The JVM grows its
 * heap for a burst and, left alone, keeps it committed; once the server has been idle for a few
 * seconds after reading at least {@link #THRESHOLD} bytes of bodies, one full collection compacts the
 * heap and the JVM uncommits what is free beyond its {@code MaxHeapFreeRatio}. It never runs while a
 * request is in flight, and does nothing after ordinary traffic.
 */
final class IdleHeapTrim implements AutoCloseable {
    /** Body bytes read since the last trim that make the next idle moment worth a collection. */
    static final long THRESHOLD = 64L << 20;
    /** How long the server must have been idle. */
    static final long IDLE_MILLIS = 3000;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong trims = new AtomicLong();
    private final LongSupplier clock;
    private volatile long lastActivity;
    private final ScheduledExecutorService timer;

    /** A trim that checks once a second. */
    IdleHeapTrim() {
        this(System::currentTimeMillis, true);
    }

    /** With a clock in milliseconds; {@code scheduled} false leaves the checks to {@link #trimIfIdle} calls (tests). */
    IdleHeapTrim(LongSupplier clock, boolean scheduled) {
        this.clock = clock;
        this.lastActivity = clock.getAsLong();
        this.timer = scheduled ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hub-heap-trim");
            t.setDaemon(true);
            return t;
        }) : null;
        if (timer != null) {
            timer.scheduleWithFixedDelay(this::trimIfIdle, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** A request starts. */
    void begin() {
        inFlight.incrementAndGet();
        lastActivity = clock.getAsLong();
    }

    /** A request ends (call once per {@link #begin}). */
    void end() {
        lastActivity = clock.getAsLong();
        inFlight.decrementAndGet();
    }

    /** {@code n} more bytes of request bodies were read. */
    void read(long n) {
        bodyBytes.addAndGet(n);
    }

    /** How many collections were asked for (for tests and diagnostics). */
    long trims() {
        return trims.get();
    }

    /** Collects if the server is idle after a burst; true if it did. */
    boolean trimIfIdle() {
        if (bodyBytes.get() < THRESHOLD || inFlight.get() > 0 || clock.getAsLong() - lastActivity < IDLE_MILLIS) {
            return false;
        }
        bodyBytes.set(0);
        trims.incrementAndGet();
        System.gc(); // deliberate: only when idle after a burst, the one moment a pause costs no one anything
        return true;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
