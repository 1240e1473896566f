package dev.graft.hub.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The blob store's read-write lock, across threads and processes. Work that makes an object live
 * (storing it, committing a reference to it) holds it shared; garbage collection holds it exclusive,
 * so it never deletes an object between a commit's check that the object exists and the commit
 * itself. Within a JVM a {@link ReentrantReadWriteLock}; across processes (a server and {@code graft
 * hub gc}) a shared or exclusive file lock on {@code store.lock}, taken by the first reader of a JVM
 * and released by the last. One instance per data folder and JVM, since the JVM refuses overlapping
 * file locks on one file.
 *
 * <pre>{@code
 * try (StoreLock.Held held = StoreLock.of(dataDir).shared()) {
 *     // check that a blob exists, then reference it
 * }
 * }</pre>
 */
public final class StoreLock {
    private static final Map<Path, StoreLock> LOCKS = new ConcurrentHashMap<>();

    private final ReentrantReadWriteLock threads = new ReentrantReadWriteLock();
    private final Path file;
    private FileChannel channel;
    private FileLock sharedFileLock;
    private int readers;

    private StoreLock(Path file) {
        this.file = file;
    }

    /** The lock of the data folder {@code dataDir}. */
    public static StoreLock of(Path dataDir) {
        Path key = dataDir.toAbsolutePath().normalize();
        return LOCKS.computeIfAbsent(key, k -> new StoreLock(k.resolve("store.lock")));
    }

    /** A held lock; closing releases it. */
    @FunctionalInterface
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes the lock shared (many holders at once). */
    public Held shared() {
        threads.readLock().lock();
        try {
            synchronized (this) {
                if (readers == 0) {
                    sharedFileLock = channel().lock(0, Long.MAX_VALUE, true);
                }
                readers++;
            }
        } catch (IOException | RuntimeException e) {
            threads.readLock().unlock();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return () -> {
            try {
                synchronized (this) {
                    if (--readers == 0) {
                        release(sharedFileLock);
                        sharedFileLock = null;
                    }
                }
            } finally {
                threads.readLock().unlock();
            }
        };
    }

    /** Takes the lock exclusive (waits for every shared holder, here and in other processes). */
    public Held exclusive() {
        threads.writeLock().lock();
        FileLock lock;
        try {
            synchronized (this) {
                lock = channel().lock();
            }
        } catch (IOException | RuntimeException e) {
            threads.writeLock().unlock();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return () -> {
            try {
                release(lock);
            } finally {
                threads.writeLock().unlock();
            }
        };
    }

    private FileChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    private static void release(FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
