package dev.graft.hub.server.index;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL cluster on loopback in a temporary folder, started with the Debian
 * {@code postgresql} binaries ({@code initdb}, {@code pg_ctl}) as the {@code postgres} user when run
 * as root. Without the binaries the tests fail under CI ({@code CI=true}) and are skipped with a note
 * elsewhere.
 */
public final class PostgresCluster implements AutoCloseable {
    private final Path dir;
    private final Path bin;
    private final boolean asPostgresUser;
    private final int port;
    private int databases;

    private PostgresCluster(Path dir, Path bin, boolean asPostgresUser, int port) {
        this.dir = dir;
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
        this.port = port;
    }

    static Path findBinaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElse(null);
        }
    }

    public static PostgresCluster start() throws Exception {
        Path bin = findBinaries();
        if (bin == null) {
            String msg = "PostgreSQL binaries not found under /usr/lib/postgresql: install the Debian package postgresql"
                    + " (.ci/setup.d/40-postgresql.sh) to run the PostgreSQL index tests";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("graft-pg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresCluster c = new PostgresCluster(dir, bin, root, port);
        c.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--no-sync"));
        c.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60", "-l",
                dir.resolve("log").toString(), "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir
                        + " -c fsync=off -c max_connections=200", "start"));
        return c;
    }

    private void pg(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, true);
    }

    private static void run(List<String> command, boolean showLog) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("command failed: " + String.join(" ", command) + "\n" + new String(out, StandardCharsets.UTF_8));
        }
    }

    /** JDBC URL of a new, empty database. */
    public String freshDatabase() throws Exception {
        String name = "graft_test_" + (++databases);
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    @Override
    public void close() throws Exception {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
