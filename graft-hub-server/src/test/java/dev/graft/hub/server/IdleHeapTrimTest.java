package dev.graft.hub.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Heap is handed back once, when the server is idle after a burst of bodies, never mid-request. */
class IdleHeapTrimTest {
    @Test
    void collectsOnceWhenIdleAfterABurstOnly() {
        AtomicLong now = new AtomicLong(1_000_000);
        try (IdleHeapTrim trim = new IdleHeapTrim(now::get, false)) {
            trim.begin();
            trim.read(IdleHeapTrim.THRESHOLD);
            now.addAndGet(IdleHeapTrim.IDLE_MILLIS + 1);
            assertFalse(trim.trimIfIdle(), "a request is in flight");
            trim.end();
            assertFalse(trim.trimIfIdle(), "not idle long enough yet");
            now.addAndGet(IdleHeapTrim.IDLE_MILLIS + 1);
            assertTrue(trim.trimIfIdle());
            assertFalse(trim.trimIfIdle(), "nothing read since");
            trim.begin();
            trim.read(IdleHeapTrim.THRESHOLD - 1);
            trim.end();
            now.addAndGet(IdleHeapTrim.IDLE_MILLIS + 1);
            assertFalse(trim.trimIfIdle(), "ordinary traffic causes no collection");
            assertEquals(1, trim.trims());
        }
    }
}
