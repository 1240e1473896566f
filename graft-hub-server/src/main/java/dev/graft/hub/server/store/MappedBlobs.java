package dev.graft.hub.server.store;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory mappings of stored objects, shared by every download of them. Objects are content-addressed
 * and never change, so one mapping serves all downloads of an object: the page tables are filled once
 * rather than once per download (tens of thousands of page faults per 100 MiB), with no map and unmap
 * system calls per download. Objects are mapped in segments of 1 GiB. A segment is unmapped as soon as
 * no download uses it once it is evicted (least recently used beyond {@link #MAX_SEGMENTS}) or its
 * object is deleted, so deleted objects free their disk space right away.
 *
 * <pre>{@code
 * try (MappedBlobs.Lease lease = blobs.mapped(sha256, 0)) {
 *     ByteBuffer bytes = lease.bytes();   // read-only view of the first GiB (or less)
 * }
 * }</pre>
 */
public final class MappedBlobs {
    /** Size of one mapped segment. */
    public static final long SEGMENT = 1L << 30;
    static final int MAX_SEGMENTS = 64;

    private final Map<String, Segment> segments = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Segment {
        final String sha256;
        final MappedByteBuffer buffer;
        int users;
        boolean dropped;

        Segment(String sha256, MappedByteBuffer buffer) {
            this.sha256 = sha256;
            this.buffer = buffer;
        }
    }

    /** A segment in use; closing it lets it be unmapped. */
    public final class Lease implements AutoCloseable {
        private final Segment segment;

        private Lease(Segment segment) {
            this.segment = segment;
        }

        /** The segment's bytes (a fresh read-only view: position 0, limit its size). */
        public ByteBuffer bytes() {
            return segment.buffer.asReadOnlyBuffer();
        }

        @Override
        public void close() {
            release(segment);
        }
    }

    /** Maps segment {@code index} of the object file {@code file} (or shares the mapping already made). */
    synchronized Lease lease(String sha256, Path file, long index) throws IOException {
        String key = sha256 + "#" + index;
        Segment s = segments.get(key);
        if (s == null) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long start = index * SEGMENT;
                long size = Math.max(0, Math.min(SEGMENT, ch.size() - start));
                s = new Segment(sha256, ch.map(FileChannel.MapMode.READ_ONLY, start, size));
            }
            segments.put(key, s);
            evictBeyondLimit();
        }
        s.users++;
        return new Lease(s);
    }

    private void evictBeyondLimit() {
        Iterator<Segment> it = segments.values().iterator();
        while (segments.size() > MAX_SEGMENTS && it.hasNext()) {
            Segment eldest = it.next();
            it.remove();
            drop(eldest);
        }
    }

    /** Forgets the mappings of a deleted object (unmapped now, or when their last download ends). */
    synchronized void forget(String sha256) {
        for (Iterator<Segment> it = segments.values().iterator(); it.hasNext();) {
            Segment s = it.next();
            if (s.sha256.equals(sha256)) {
                it.remove();
                drop(s);
            }
        }
    }

    private void drop(Segment s) {
        s.dropped = true;
        if (s.users == 0) {
            Unmapper.unmap(s.buffer);
        }
    }

    private synchronized void release(Segment s) {
        if (--s.users == 0 && s.dropped) {
            Unmapper.unmap(s.buffer);
        }
    }

    /** Releases a mapping right away where the JDK allows it (sun.misc.Unsafe#invokeCleaner); else the GC does. */
    private static final class Unmapper {
        private static final MethodHandle INVOKE_CLEANER = find();

        private static MethodHandle find() {
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                Object unsafe = f.get(null);
                return java.lang.invoke.MethodHandles.lookup()
                        .findVirtual(unsafeClass, "invokeCleaner", java.lang.invoke.MethodType.methodType(void.class, ByteBuffer.class))
                        .bindTo(unsafe);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        static void unmap(MappedByteBuffer buffer) {
            if (INVOKE_CLEANER != null) {
                try {
                    INVOKE_CLEANER.invokeExact((ByteBuffer) buffer);
                } catch (Throwable ignored) {
                    // leave it to the GC
                }
            }
        }
    }
}
