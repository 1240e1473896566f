package dev.graft.hub.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared mappings of stored objects: one per object, readable while leased even after the object is deleted. */
class MappedBlobsTest {
    @TempDir
    Path dir;

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void downloadsShareOneMappingThatOutlivesADeleteUntilReleased() throws Exception {
        FileBlobStore blobs = new FileBlobStore(dir);
        byte[] content = new byte[1 << 20];
        new Random(4).nextBytes(content);
        String sha = blobs.put(content);
        try (MappedBlobs.Lease first = blobs.mapped(sha, 0); MappedBlobs.Lease second = blobs.mapped(sha, 0)) {
            assertArrayEquals(content, bytes(first.bytes()));
            assertEquals(content.length, second.bytes().remaining());
            // Deleted by garbage collection while two downloads still send it: their bytes stay readable.
            blobs.deleteIfOlder(sha, Long.MAX_VALUE);
            assertFalse(blobs.exists(sha));
            assertArrayEquals(content, bytes(second.bytes()));
        }
        // Stored again later, it is mapped afresh from the new file.
        blobs.put(content);
        try (MappedBlobs.Lease again = blobs.mapped(sha, 0)) {
            assertArrayEquals(content, bytes(again.bytes()));
        }
    }
}
