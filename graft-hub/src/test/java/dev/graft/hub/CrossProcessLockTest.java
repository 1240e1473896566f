package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes sharing one cache: the second waits on the blob lock and reuses the first's download. */
class CrossProcessLockTest {
    @TempDir
    Path tmp;

    @Test
    void secondProcessWaitsForTheFirstAndDoesNotDownloadAgain() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            byte[] weights = publishWeights(fake, 100_000, 3);
            fake.delayMillis = 1500;
            Path cache = tmp.resolve("cache");
            Process child = startDownloader(fake, cache, ProcessBuilder.Redirect.PIPE);
            try {
                // Wait until the child is inside its download (it holds the lock while the server stalls).
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (fake.getCount.get() == 0 && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(1, fake.getCount.get(), "the child process started its download");
                Path mine = new Hub(new HubConfig(fake.endpoint, null, false, cache)).download("alice/tiny", "model.safetensors", "main");
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, child.exitValue(), out);
                assertTrue(out.strip().endsWith(mine.toString()), out);
                assertArrayEquals(weights, Files.readAllBytes(mine));
                assertEquals(1, fake.getCount.get(), "this process waited on the lock and reused the blob");
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aKilledDownloaderReleasesTheLockAndItsPartialFileIsResumed() throws Exception {
        try (FakeHfHub fake = new FakeHfHub()) {
            byte[] weights = publishWeights(fake, 300_000, 4);
            fake.stallAfterBytes = 100_000;
            Path cache = tmp.resolve("cache");
            String sha256 = FakeHfHub.blob(weights, true).sha256();
            Path incomplete = cache.resolve("models--alice--tiny/blobs").resolve(sha256 + ".incomplete");
            Process child = startDownloader(fake, cache, ProcessBuilder.Redirect.DISCARD);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while ((!Files.exists(incomplete) || Files.size(incomplete) < 100_000) && child.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(100_000, Files.size(incomplete), "the child wrote part of the file, then the server stalled");
            } finally {
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            // The OS released the dead process's lock; this process takes it and resumes.
            Path p = new Hub(new HubConfig(fake.endpoint, null, false, cache)).download("alice/tiny", "model.safetensors", "main");
            assertArrayEquals(weights, Files.readAllBytes(p));
            assertTrue(fake.log.contains("GET /lfs-cdn/" + sha256 + " Range:bytes=100000-"), fake.log.toString());
        }
    }

    /** Random weights of {@code size} bytes committed as alice/tiny's model.safetensors. */
    private static byte[] publishWeights(FakeHfHub fake, int size, long seed) {
        byte[] weights = new byte[size];
        new Random(seed).nextBytes(weights);
        FakeHfHub.Repo repo = fake.createRepo("model", "alice/tiny", false);
        fake.commit(repo, "main", Map.of("model.safetensors", weights));
        return weights;
    }

    /** Another process downloading alice/tiny's weights into {@code cache}, its output (quiet: warnings only) to {@code output}. */
    private static Process startDownloader(FakeHfHub fake, Path cache, ProcessBuilder.Redirect output) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-DGRAFT_PROGRESS=off",
                DownloadMain.class.getName(), fake.endpoint, cache.toString(), "alice/tiny", "model.safetensors"))
                .redirectErrorStream(true).redirectOutput(output).start();
    }
}
