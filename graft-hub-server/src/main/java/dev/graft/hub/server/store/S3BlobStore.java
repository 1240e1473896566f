package dev.graft.hub.server.store;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.server.HubError;
import dev.graft.hub.server.HubServerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The blob store in an S3 bucket (AWS S3 or any S3-compatible service), which any number of servers
 * share: {@code s3://bucket/prefix/objects/<first two hex>/<sha256>}. Credentials, region and endpoint
 * come from the AWS SDK's standard settings ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_REGION}, {@code AWS_ENDPOINT_URL_S3}); an endpoint of its own means an S3-compatible
 * service, addressed path-style.
 *
 * <p>An upload is spooled to a local temporary file and hashed; only when its size and sha256 are
 * right is it sent to its final key (in parts above {@link Settings#partSize}), and an S3 object
 * appears whole when its upload completes, so a cut-off upload never shows. Storing an object that is
 * present already copies it onto itself, which makes it young again for garbage collection.
 *
 * <pre>{@code
 * BlobStore blobs = S3BlobStore.open("s3://models/hub", dataDir, S3BlobStore.Settings.fromEnvironment());
 * }</pre>
 */
public final class S3BlobStore implements BlobStore {
    /** How long a presigned download URL stays valid. */
    public static final Duration PRESIGN_VALIDITY = Duration.ofMinutes(15);

    /**
     * How to reach S3.
     *
     * @param endpoint the service's URL for an S3-compatible service (path-style), {@code null} for AWS
     * @param region the region, {@code null} for the SDK's default chain ({@code AWS_REGION}, profile)
     * @param partSize bytes per part of a multipart upload; objects up to this size go in one request
     */
    public record Settings(URI endpoint, String region, long partSize) {
        /** Default part size of multipart uploads (S3's smallest allowed is 5 MiB). */
        public static final long DEFAULT_PART_SIZE = 16L << 20;

        /**
         * From the SDK's own settings: {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL} (or the system
         * properties {@code aws.endpointUrlS3}, {@code aws.endpointUrl}); the region from the SDK's chain.
         */
        public static Settings fromEnvironment() {
            String endpoint = null;
            for (String[] setting : new String[][] {{"AWS_ENDPOINT_URL_S3", "aws.endpointUrlS3"}, {"AWS_ENDPOINT_URL", "aws.endpointUrl"}}) {
                String v = System.getProperty(setting[1], System.getenv(setting[0]));
                if (v != null && !v.isBlank()) {
                    endpoint = v;
                    break;
                }
            }
            URI uri = null;
            if (endpoint != null && !endpoint.isBlank()) {
                try {
                    uri = URI.create(endpoint.trim());
                } catch (IllegalArgumentException e) {
                    throw new HubServerException("AWS_ENDPOINT_URL_S3 '" + endpoint + "' is not a URL", "set it to e.g. http://127.0.0.1:9000");
                }
            }
            return new Settings(uri, null, DEFAULT_PART_SIZE);
        }
    }

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final Path tmp;
    private final Path localCopies;
    private final StoreLock lock;
    private final long partSize;

    private S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, String prefix, Path dataDir, long partSize)
            throws IOException {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix;
        this.tmp = Files.createDirectories(dataDir.resolve("tmp"));
        this.localCopies = Files.createDirectories(dataDir.resolve("local-copies"));
        this.lock = StoreLock.of(dataDir);
        this.partSize = partSize;
    }

    /**
     * Opens {@code s3://bucket[/prefix]} with local temporary files under {@code dataDir/tmp}, and checks
     * at once that the bucket exists and the credentials may use it: a missing bucket, wrong credentials
     * or an unreachable service fail here with one line saying which.
     */
    public static S3BlobStore open(String spec, Path dataDir, Settings settings) throws IOException {
        String rest = spec.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
        if (!bucket.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")) {
            throw new HubServerException("'" + RepoId.printable(bucket) + "' in --blob-store " + RepoId.printable(spec)
                    + " is not an S3 bucket name", "use --blob-store s3://bucket[/prefix] with a bucket of 3-63 lower-case letters, digits, '.' or '-'");
        }
        Region region = region(settings);
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(settings.endpoint() != null).build();
        var builder = S3Client.builder().region(region).credentialsProvider(credentials).serviceConfiguration(pathStyle)
                // S3-compatible services vary in the newer checksum trailers: send and check them only where S3 requires them.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128).connectionTimeout(Duration.ofSeconds(5)));
        var presign = S3Presigner.builder().region(region).credentialsProvider(credentials).serviceConfiguration(pathStyle);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
            presign.endpointOverride(settings.endpoint());
        }
        S3Client s3 = builder.build();
        String where = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            s3.close();
            int status = e.statusCode();
            if (status == 404) {
                throw new HubServerException("the S3 bucket " + bucket + " does not exist (" + where + ")",
                        "create it first (aws s3 mb s3://" + bucket + "), or name an existing one in --blob-store");
            }
            if (status == 403 || status == 401) {
                throw new HubServerException("S3 refused the credentials for " + where + " (HTTP " + status + ")",
                        "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they may read and write the bucket");
            }
            if (status == 301 || status == 400) {
                throw new HubServerException("S3 refused " + where + " (HTTP " + status + "): the bucket may be in another region",
                        "set AWS_REGION to the bucket's region");
            }
            throw new HubServerException("S3 answered HTTP " + status + " for " + where, "check --blob-store and the AWS_* settings", e);
        } catch (SdkClientException e) {
            s3.close();
            String m = String.valueOf(e.getMessage());
            if (m.contains("credentials")) {
                throw new HubServerException("no S3 credentials for " + where,
                        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile)", e);
            }
            throw new HubServerException("cannot reach S3 for " + where + ": " + m.lines().findFirst().orElse(m),
                    "check AWS_ENDPOINT_URL_S3 and that the service runs", e);
        }
        return new S3BlobStore(s3, presign.build(), bucket, prefix, dataDir, settings.partSize());
    }

    private static Region region(Settings settings) {
        if (settings.region() != null) {
            return Region.of(settings.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (settings.endpoint() != null) {
                return Region.US_EAST_1; // what S3-compatible services answer to when no region is set
            }
            throw new HubServerException("no AWS region for the S3 blob store", "set AWS_REGION, e.g. AWS_REGION=eu-west-1");
        }
    }

    private String key(String sha256) {
        if (!Hashes.isSha256(sha256)) {
            throw HubError.badRequest("invalid sha256 '" + RepoId.printable(sha256) + "': expected 64 lower-case hex digits");
        }
        return objectsPrefix() + sha256.substring(0, 2) + "/" + sha256;
    }

    private String objectsPrefix() {
        return (prefix.isEmpty() ? "" : prefix + "/") + "objects/";
    }

    @Override
    public StoreLock lock() {
        return lock;
    }

    @Override
    public void removeLeftovers() throws IOException {
        Spool.clear(tmp);
    }

    private HeadObjectResponse head(String sha256) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key(sha256)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String sha256) {
        return head(sha256) != null;
    }

    @Override
    public long size(String sha256) {
        HeadObjectResponse h = Hashes.isSha256(sha256) ? head(sha256) : null;
        return h == null ? -1 : h.contentLength();
    }

    /** Copies a present object onto itself, so its last-modified time is now; false if it is absent. */
    private boolean touchIfPresent(String sha256) {
        if (!exists(sha256)) {
            return false;
        }
        try {
            String key = key(sha256);
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(Map.of("stored", Long.toString(System.currentTimeMillis()))));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false; // collected meanwhile: store it again
            }
            throw e;
        }
    }

    @Override
    public String put(byte[] data) throws IOException {
        String sha = Hashes.sha256(data);
        try (StoreLock.Held held = lock.shared()) {
            if (!touchIfPresent(sha)) {
                s3.putObject(b -> b.bucket(bucket).key(key(sha)).contentLength((long) data.length), RequestBody.fromBytes(data));
            }
        }
        return sha;
    }

    @Override
    public void put(InputStream in, String expectedSha256, long expectedSize) throws IOException {
        key(expectedSha256);
        Path t = tmp.resolve(UUID.randomUUID().toString());
        try {
            Spool.verified(in, t, expectedSha256, expectedSize);
            upload(t, expectedSha256, expectedSize);
        } finally {
            Files.deleteIfExists(t);
        }
    }

    @Override
    public Stored putStreamed(ContentWriter writer) throws IOException {
        Path t = tmp.resolve(UUID.randomUUID().toString());
        try {
            Stored stored = Spool.written(writer, t);
            upload(t, stored.sha256(), stored.size());
            return stored;
        } finally {
            Files.deleteIfExists(t);
        }
    }

    /** Sends a verified local file to its object key: one request, or parts above the part size. */
    private void upload(Path file, String sha256, long size) throws IOException {
        try (StoreLock.Held held = lock.shared()) {
            if (touchIfPresent(sha256)) {
                return;
            }
            String key = key(sha256);
            if (size <= partSize) {
                s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size), RequestBody.fromFile(file));
                return;
            }
            String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            boolean done = false;
            try (InputStream in = Files.newInputStream(file)) {
                List<CompletedPart> parts = new ArrayList<>();
                byte[] buf = new byte[(int) partSize];
                for (int part = 1; (long) (part - 1) * partSize < size; part++) {
                    int n = in.readNBytes(buf, 0, (int) Math.min(partSize, size - (long) (part - 1) * partSize));
                    int number = part;
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                            .contentLength((long) n), RequestBody.fromBytes(java.util.Arrays.copyOf(buf, n))).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
                done = true;
            } finally {
                if (!done) {
                    try {
                        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(S3BlobStore.class).warn("cannot abort the cut-off upload of {}: {}", sha256, e.toString());
                    }
                }
            }
        }
    }

    @Override
    public byte[] read(String sha256) throws IOException {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(sha256))).asByteArray();
        } catch (S3Exception e) {
            throw new IOException("cannot read object " + sha256 + " from " + describe() + ": HTTP " + e.statusCode(), e);
        }
    }

    @Override
    public Path localFile(String sha256) throws IOException {
        if (!Hashes.isSha256(sha256)) {
            throw HubError.badRequest("invalid sha256 '" + RepoId.printable(sha256) + "': expected 64 lower-case hex digits");
        }
        Path copy = localCopies.resolve(sha256);
        if (Files.exists(copy)) {
            return copy;   // content-addressed: a copy never goes stale
        }
        Path part = Files.createTempFile(tmp, "copy-", ".part");
        try (InputStream in = open(sha256, 0, size(sha256))) {
            Files.copy(in, part, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(part, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
        return copy;
    }

    @Override
    public InputStream open(String sha256, long offset, long length) throws IOException {
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key(sha256))
                    .range("bytes=" + offset + "-" + (offset + length - 1)));
            return new BoundedInputStream(in, length);
        } catch (S3Exception e) {
            throw new IOException("cannot read object " + sha256 + " from " + describe() + ": HTTP " + e.statusCode(), e);
        }
    }

    /**
     * Looks at the object's time again right before deleting it, since a server on another machine may
     * have stored it again since the listing (S3 has no delete conditional on it: a store again in the
     * milliseconds between the two requests is not seen; the grace period is what covers uploads).
     */
    @Override
    public boolean deleteIfOlder(String sha256, long cutoffMillis) throws IOException {
        HeadObjectResponse h = head(sha256);
        if (h == null || h.lastModified().toEpochMilli() > cutoffMillis) {
            return false;
        }
        s3.deleteObject(b -> b.bucket(bucket).key(key(sha256)));
        return true;
    }

    @Override
    public List<StoredObject> list() throws IOException {
        List<StoredObject> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(objectsPrefix())).contents()) {
                String name = o.key().substring(o.key().lastIndexOf('/') + 1);
                if (Hashes.isSha256(name)) {
                    out.add(new StoredObject(name, o.size(), o.lastModified().toEpochMilli()));
                }
            }
        } catch (S3Exception e) {
            throw new IOException("cannot list " + describe() + ": HTTP " + e.statusCode(), e);
        } catch (SdkClientException e) {
            throw new UncheckedIOException(new IOException("cannot reach " + describe() + ": " + e.getMessage(), e));
        }
        return out;
    }

    @Override
    public URI presignedUrl(String sha256, String fileName) {
        String disposition = "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_") + "\"";
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(PRESIGN_VALIDITY)
                .getObjectRequest(g -> g.bucket(bucket).key(key(sha256)).responseContentDisposition(disposition))).url().toString());
    }

    @Override
    public String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
