package dev.graft.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Asks a running loop to stop at the next batch boundary and waits until it has written its
 * checkpoint. The CLI installs it as a shutdown hook, so Ctrl-C leaves a usable checkpoint.
 *
 * <pre>{@code
 * StopSignal stop = StopSignal.onShutdown();
 * FineTune.of(...).withStopSignal(stop).run();
 * }</pre>
 */
public final class StopSignal {
    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** A signal triggered by JVM shutdown (Ctrl-C, SIGTERM); the hook waits up to 2 minutes for the checkpoint. */
    public static StopSignal onShutdown() {
        StopSignal s = new StopSignal();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (s.finished.getCount() == 0) {
                return;
            }
            s.requested = true;
            System.err.println("\nstopping: finishing the current batch and writing a checkpoint...");
            try {
                s.finished.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "graft-stop"));
        return s;
    }

    /** Requests a stop (what Ctrl-C does). */
    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** Called by the loop when it has stopped and saved. */
    public void markFinished() {
        finished.countDown();
    }
}
