package dev.graft.hub.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: S3Proxy (the jar the build copies to {@code target/s3proxy}) with
 * its file-system back end in a temporary folder, in its own JVM on a free loopback port.
 */
final class S3Proxy implements AutoCloseable {
    static final String IDENTITY = "graft-test-key";
    static final String CREDENTIAL = "graft-test-secret";

    private final Process process;
    private final Path dir;
    final URI endpoint;

    private S3Proxy(Process process, Path dir, URI endpoint) {
        this.process = process;
        this.dir = dir;
        this.endpoint = endpoint;
    }

    static S3Proxy start() throws Exception {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: the build copies it (mvn -pl graft-hub-server -am test)");
        }
        Path dir = Files.createTempDirectory("graft-s3");
        Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data"), ""), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar.toString(), "--properties", dir.resolve("s3proxy.properties").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("S3Proxy did not start:\n" + Files.readString(dir.resolve("log")));
                }
                Thread.sleep(100);
            }
        }
        return new S3Proxy(p, dir, endpoint);
    }

    /** The AWS SDK's standard settings that point a child server here. */
    Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", IDENTITY, "AWS_SECRET_ACCESS_KEY", CREDENTIAL, "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_S3", endpoint.toString());
    }

    /** A client with the right credentials, for making buckets and looking into them. */
    S3Client client() {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL))).build();
    }

    void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
