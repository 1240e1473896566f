package dev.graft.hub.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a hub server in its own JVM for tests that kill it: prints its URL, then serves until killed.
 * Arguments: the data folder, then optionally the index JDBC URL and the blob store ({@code s3://...}).
 */
public final class ChildHubServer {
    private ChildHubServer() {}

    public static void main(String[] args) throws Exception {
        String dbUrl = args.length > 1 && !args[1].isEmpty() ? args[1] : null;
        String blobStore = args.length > 2 && !args[2].isEmpty() ? args[2] : null;
        HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, Path.of(args[0]), dbUrl, HubLimits.defaults(),
                blobStore, false));
        System.out.println("listening on " + server.url());
        System.out.flush();
        server.join();
    }

    /** A server started in a child JVM, with its URL. */
    record Running(Process process, String url) {
        /** Starts one on {@code dataDir} (and {@code dbUrl}, {@code blobStore} when not null) with {@code env} added. */
        static Running start(Path dataDir, String dbUrl, String blobStore, Map<String, String> env) throws IOException {
            long t0 = System.nanoTime();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp, ChildHubServer.class.getName(), dataDir.toString(),
                    dbUrl == null ? "" : dbUrl, blobStore == null ? "" : blobStore));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                if (line.startsWith("listening on ")) {
                    Thread drain = new Thread(() -> {
                        try {
                            out.transferTo(java.io.Writer.nullWriter());
                        } catch (IOException ignored) {
                            // the child was killed
                        }
                    });
                    drain.setDaemon(true);
                    drain.start();
                    System.err.printf("child server started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                    return new Running(p, line.substring("listening on ".length()).trim());
                }
                seen.append(line).append('\n');
            }
            throw new IOException("the child server did not start:\n" + seen);
        }

        /** SIGKILL, as a crash. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
