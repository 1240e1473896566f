package dev.graft.hub;

import dev.graft.hub.protocol.RepoType;
import dev.graft.GraftException;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import dev.graft.weights.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Downloads files and snapshots of a repository into the Hugging Face cache layout of a {@link Hub}:
 * resumes from {@code .incomplete} files with {@code Range}, checks each file against its ETag and size,
 * retries transient failures, locks per blob, and falls back to the cache offline or when the hub is
 * unreachable.
 */
final class HubDownloader {
    private static final int MAX_REDIRECTS = HubHttp.MAX_REDIRECTS;
    private static final int MAX_WORKERS = 8;

    private final Hub hub;
    private final HubConfig config;
    private final HubCache cache;
    private final HubHttp http;
    private final int retries;

    /** A downloader into {@code hub}'s cache; {@code hub} also answers the info a snapshot lists its files from. */
    HubDownloader(Hub hub, HubHttp http, int retries) {
        this.hub = hub;
        this.config = hub.config();
        this.cache = hub.cache();
        this.http = http;
        this.retries = retries;
    }

    /**
     * @param rehash read every cached file again to check it (what {@code graft hub pull} does); else a
     *     cached file is hashed on its first use and again only when its size or modification time changed
     */
    Path download(RepoType type, String repo, String file, String revision, Progress shared, boolean rehash) {
        RepoPaths.checkReadableRepoId(repo);
        RepoPaths.checkPathInRepo(file);
        String rev = Hub.revisionOrMain(revision);
        if (config.offline()) {
            return usableOrFail(type, repo, file, rev, fromCache(type, repo, file, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)"),
                    rehash, "offline mode is on");
        }
        if (RepoPaths.isCommitSha(rev)) {
            // A commit never changes: a cached copy that checks out is final, no request needed.
            Optional<Path> hit = cache.cachedFile(type, repo, rev, file);
            if (hit.isPresent() && usableOrRefetch(type, repo, file, hit.get(), rehash)) {
                countCached(shared, hit.get());
                return hit.get();
            }
        }
        FileMetadata meta;
        try {
            meta = fileMetadata(type, repo, file, rev);
        } catch (HubException e) {
            if (e.status() == 0) {
                Optional<Path> cached = cachedLookup(type, repo, file, rev);
                if (cached.isPresent()) {
                    usableOrFail(type, repo, file, rev, cached.get(), rehash, "the hub at " + config.endpoint() + " is unreachable");
                    Output.warn("cannot reach " + config.endpoint() + "; using the cached " + file + " of " + repo);
                    return cached.get();
                }
            }
            throw e;
        }
        cache.writeRef(type, repo, rev, meta.commit());
        Path snap = cache.snapshotFile(type, repo, meta.commit(), file);
        Path blob = cache.blobPath(type, repo, meta.etag());
        if (Files.exists(snap) && Files.exists(blob) && usableOrRefetch(type, repo, file, blob, rehash)) {
            countCached(shared, blob);
            return snap;
        }
        try (HubCache.BlobLock lock = cache.lock(type, repo, meta.etag())) {
            if (Files.exists(blob)) {
                countCached(shared, blob); // another thread or process fetched it meanwhile
            } else {
                fetchWithRetries(meta, blob, file, shared);
                cache.markVerified(blob);
            }
        }
        return cache.linkSnapshot(type, repo, meta.commit(), file, blob);
    }

    /**
     * Checks a cached file before it is used. A damaged blob is deleted (under its lock) and the
     * caller downloads it again; returns whether the cached copy is good.
     */
    private boolean usableOrRefetch(RepoType type, String repo, String file, Path cached, boolean rehash) {
        Path blob = cached.getParent().getFileName().toString().equals("blobs") ? cached : cache.blobOf(cached);
        if (blob == null) {
            return true; // a copy where the file system has no links: nothing names its hash
        }
        HubCache.BlobCheck c;
        try (HubCache.BlobLock lock = cache.lock(type, repo, blob.getFileName().toString())) {
            c = cache.checkBlob(blob, rehash);
            if (c.state() == HubCache.BlobState.DAMAGED) {
                deleteQuietly(blob);
            }
        }
        if (c.state() == HubCache.BlobState.OK || c.state() == HubCache.BlobState.UNCHECKABLE) {
            return true;
        }
        Output.warn("the cached " + file + " of " + repo + " is " + c.describe() + "; downloading it again");
        return false;
    }

    /** Checks a cached file where nothing can be downloaded: a damaged or missing blob is an error that says to pull again. */
    private Path usableOrFail(RepoType type, String repo, String file, String rev, Path cached, boolean rehash, String why) {
        Path blob = cache.blobOf(cached);
        if (blob == null) {
            return cached;
        }
        HubCache.BlobCheck c;
        try (HubCache.BlobLock lock = cache.lock(type, repo, blob.getFileName().toString())) {
            c = cache.checkBlob(blob, rehash);
            if (c.state() == HubCache.BlobState.DAMAGED) {
                deleteQuietly(blob); // so the next online pull fetches it instead of trusting it
            }
        }
        if (c.state() == HubCache.BlobState.OK || c.state() == HubCache.BlobState.UNCHECKABLE) {
            return cached;
        }
        throw new GraftException("the cached " + file + " of " + repo + "@" + rev + " is " + c.describe()
                + (c.state() == HubCache.BlobState.DAMAGED ? "; the damaged copy was deleted" : "") + " (" + why + ")",
                "pull again online: graft hub pull " + repo + ("main".equals(rev) ? "" : " --revision " + rev));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the next check finds it damaged again
        }
    }

    private void fetchWithRetries(FileMetadata meta, Path blob, String file, Progress shared) {
        Progress own = shared == null ? Progress.start("download " + file, meta.size(), "B") : null;
        FileProgress progress = new FileProgress(shared != null ? shared : own);
        try {
            for (int attempt = 0; !Files.exists(blob); attempt++) {
                try {
                    fetchBlob(meta, blob, file, progress);
                } catch (HubException e) {
                    // a 429 was already retried after the advertised waits (HubHttp.send)
                    boolean transientFailure = e.status() == 0 || e.status() >= 500;
                    if (!transientFailure || attempt >= retries) {
                        throw e;
                    }
                    Output.warn(e.getMessage() + "; retrying (" + (attempt + 1) + " of " + retries + ")");
                    pause(500L << attempt);
                }
            }
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    private static void countCached(Progress shared, Path file) {
        if (shared != null) {
            try {
                shared.step(Files.size(file));
            } catch (IOException e) {
                // only the progress count is affected
            }
        }
    }

    /** The bytes of one file on a (possibly shared) progress bar, so retries do not count twice. */
    private static final class FileProgress {
        private final Progress progress;
        private long counted;

        FileProgress(Progress progress) {
            this.progress = progress;
        }

        void set(long bytes) {
            progress.step(bytes - counted);
            counted = bytes;
        }

        void add(long n) {
            progress.step(n);
            counted += n;
        }
    }


    Path snapshot(RepoType type, String repo, String revision, List<String> allowPatterns, boolean rehash) {
        RepoPaths.checkReadableRepoId(repo);
        String rev = Hub.revisionOrMain(revision);
        if (config.offline()) {
            return checkedSnapshot(type, repo, rev, allowPatterns, rehash,
                    cachedSnapshot(type, repo, rev, "offline mode is on (GRAFT_HUB_OFFLINE / HF_HUB_OFFLINE)"), "offline mode is on");
        }
        RepoInfo info;
        try {
            info = hub.info(type, repo, rev);
        } catch (HubException e) {
            if (e.status() == 0 && cache.resolveCached(type, repo, rev)
                    .map(c -> Files.isDirectory(cache.snapshotDir(type, repo, c))).orElse(false)) {
                Path dir = checkedSnapshot(type, repo, rev, allowPatterns, rehash, cachedSnapshot(type, repo, rev, "the hub is unreachable"),
                        "the hub at " + config.endpoint() + " is unreachable");
                Output.warn("cannot reach " + config.endpoint() + "; using the cached snapshot of " + repo);
                return dir;
            }
            throw e;
        }
        if (!RepoPaths.isCommitSha(info.sha())) {
            throw new GraftException("the hub sent no commit sha for " + repo + "@" + rev,
                    "check GRAFT_ENDPOINT points at a Hugging Face-compatible hub");
        }
        String commit = info.sha();
        cache.writeRef(type, repo, rev, commit);
        List<RepoInfo.Sibling> wanted = info.siblings() == null ? List.of() : info.siblings().stream()
                .filter(s -> RepoPaths.matchesAny(s.path(), allowPatterns)).toList();
        Path dir = cache.snapshotDir(type, repo, commit);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw HubCache.cacheError(dir, e);
        }
        if (wanted.isEmpty()) {
            if (allowPatterns != null && !allowPatterns.isEmpty()) {
                Output.warn("no file of " + repo + "@" + rev + " matches " + String.join(", ", allowPatterns)
                        + " (files: " + String.join(", ", info.files()) + ")");
            }
            return dir;
        }
        long totalBytes = 0;
        for (RepoInfo.Sibling s : wanted) {
            totalBytes = s.size() == null || totalBytes < 0 ? -1 : totalBytes + s.size();
        }
        int workers = Math.min(MAX_WORKERS, wanted.size());
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "hub-download");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = Progress.start("pull " + repo, Math.max(0, totalBytes), "B")) {
            List<Future<Path>> futures = new ArrayList<>();
            for (RepoInfo.Sibling s : wanted) {
                futures.add(pool.submit(() -> download(type, repo, s.path(), commit, progress, rehash)));
            }
            for (Future<Path> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new GraftException("download of " + repo + " failed: " + cause, null, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("download of " + repo + " was interrupted");
        } finally {
            pool.shutdownNow();
        }
        return dir;
    }

    /**
     * Reads a file's metadata with {@code HEAD .../resolve/...}. Redirects on the hub's own origin
     * (e.g. after a rename) are followed with the token; a redirect that carries {@code X-Linked-Etag}
     * is where LFS bytes live and is read, not followed; any other redirect to another host (a CDN or
     * mirror) is followed without the token ({@link HubHttp#send} drops it off the endpoint's origin).
     */
    FileMetadata fileMetadata(RepoType type, String repo, String file, String revision) {
        String rev = Hub.revisionOrMain(revision);
        String url = hub.resolveUrl(type, repo, file, rev);
        String commitSeen = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest req = http.request(url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").build();
            HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
            int code = resp.statusCode();
            if (commitSeen == null) {
                commitSeen = resp.headers().firstValue("X-Repo-Commit").orElse(null);
            }
            if (code >= 300 && code < 400) {
                String location = resp.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    throw HubHttp.protocolError("redirect without Location for " + url);
                }
                URI target;
                try {
                    target = URI.create(url).resolve(location);
                } catch (IllegalArgumentException e) {
                    throw HubHttp.protocolError("invalid redirect '" + location + "' from " + url);
                }
                if (resp.headers().firstValue("X-Linked-Etag").isEmpty()) {
                    url = target.toString();
                    continue;
                }
                return metadataFrom(resp, target.toString(), repo, file, commitSeen);
            }
            if (code == 404 && "EntryNotFound".equals(resp.headers().firstValue("X-Error-Code").orElse(null))) {
                resp.headers().firstValue("X-Repo-Commit").filter(RepoPaths::isCommitSha)
                        .ifPresent(c -> cache.markMissing(type, repo, c, file));
            }
            http.raiseForStatus(resp, null, repo, rev, file);
            return metadataFrom(resp, url, repo, file, commitSeen);
        }
        throw HubHttp.protocolError("too many redirects for " + url);
    }

    /** The first request for a remote safetensors header asks for the length and this many bytes of the header. */
    static final int HEADER_GUESS_BYTES = 64 * 1024;

    /**
     * Reads the header of the remote safetensors file {@code meta} describes with at most two ranged
     * GETs: the 8-byte length and the first {@link #HEADER_GUESS_BYTES} bytes of the header, then, only
     * when the header is longer, the rest. Checked as a local file's header is ({@link SafeTensors#parseHeader}).
     */
    SafeTensors.Header safetensorsHeader(FileMetadata meta, String where) {
        String fix = "the file is not a valid safetensors file; re-export it (e.g. with safetensors.torch.save_file)";
        if (meta.size() < 8) {
            throw new GraftException(where + " is " + meta.size() + " bytes, shorter than the 8-byte safetensors header length", fix);
        }
        byte[] head = rangedGet(meta, 0, Math.min(meta.size(), 8L + HEADER_GUESS_BYTES), where);
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > SafeTensors.MAX_HEADER_BYTES) {
            throw new GraftException(where + " declares a header of " + Long.toUnsignedString(n) + " bytes, more than the "
                    + SafeTensors.MAX_HEADER_BYTES + " allowed", fix);
        }
        if (n > meta.size() - 8) {
            throw new GraftException(where + " declares a header of " + n + " bytes but the file has only " + (meta.size() - 8)
                    + " after the length", fix + " (the file may be truncated)");
        }
        byte[] json = new byte[(int) n];
        int have = (int) Math.min(n, head.length - 8);
        System.arraycopy(head, 8, json, 0, have);
        if (have < n) {
            byte[] rest = rangedGet(meta, 8L + have, 8L + n, where);
            System.arraycopy(rest, 0, json, have, rest.length);
        }
        return SafeTensors.parseHeader(where, json, meta.size() - 8 - n);
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of a remote file, with {@code Range}. */
    private byte[] rangedGet(FileMetadata meta, long from, long to, String where) {
        HttpRequest req = http.request(meta.downloadUrl()).header("Accept-Encoding", "identity")
                .header("Range", "bytes=" + from + "-" + (to - 1)).GET().build();
        HttpResponse<InputStream> resp = http.sendFollowingRedirects(req, HttpResponse.BodyHandlers.ofInputStream());
        int code = resp.statusCode();
        int len = (int) (to - from);
        try (InputStream in = resp.body()) {
            if (code == 206 || code == 200) {
                if (code == 206) {
                    long start = contentRangeStart(resp.headers().firstValue("Content-Range").orElse(""));
                    if (start != from) {
                        throw HubHttp.protocolError("asked for bytes " + from + "- of " + where + ", the answer starts at " + start);
                    }
                } else {
                    in.skipNBytes(from); // a server that ignores Range sends the whole file: read only what is needed
                }
                byte[] b = in.readNBytes(len);
                if (b.length < len) {
                    throw new HubException("the answer for " + where + " ended after " + (from + b.length) + " of " + to + " bytes",
                            "run again", 0, null);
                }
                return b;
            }
            String body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            throw http.httpError(code, resp.headers().firstValue("X-Error-Code").orElse(null),
                    HubHttp.errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), body), resp.request().uri().toString());
        } catch (java.io.EOFException e) {
            throw new HubException("the answer for " + where + " ended before byte " + to, "run again", 0, null);
        } catch (IOException e) {
            throw new HubException("reading the header of " + where + " failed: " + e.getMessage(), "run again", 0, null);
        }
    }

    private FileMetadata metadataFrom(HttpResponse<?> resp, String downloadUrl, String repo, String file, String commitSeen) {
        String commit = resp.headers().firstValue("X-Repo-Commit").orElse(commitSeen);
        String etag = resp.headers().firstValue("X-Linked-Etag").or(() -> resp.headers().firstValue("ETag"))
                .map(Hub::unquoteEtag).orElse(null);
        String size = resp.headers().firstValue("X-Linked-Size")
                .or(() -> resp.headers().firstValue("Content-Length")).orElse(null);
        if (commit == null || etag == null || size == null) {
            throw HubHttp.protocolError("the answer for " + repo + "/" + file + " lacks "
                    + (commit == null ? "X-Repo-Commit" : etag == null ? "ETag" : "Content-Length"));
        }
        try {
            return new FileMetadata(commit, HubCache.checkEtag(etag), Long.parseLong(size.trim()), downloadUrl);
        } catch (NumberFormatException e) {
            throw HubHttp.protocolError("invalid size '" + size + "' for " + repo + "/" + file);
        }
    }

    private void fetchBlob(FileMetadata meta, Path blob, String file, FileProgress progress) {
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        try {
            Files.createDirectories(blob.getParent());
            long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
            if (have > meta.size()) {
                Files.delete(incomplete);
                have = 0;
            }
            MessageDigest digest = newDigest(meta);
            if (have > 0 && digest != null) {
                feedDigest(digest, incomplete);
            }
            progress.set(have);
            if (have < meta.size() || meta.size() == 0) {
                digest = transfer(meta, incomplete, have, digest, progress);
            }
            long got = Files.size(incomplete);
            if (got != meta.size()) {
                if (got > meta.size()) {
                    Files.deleteIfExists(incomplete);
                }
                throw new HubException("download of " + file + " ended at " + got + " of " + meta.size() + " bytes",
                        "run again to resume", 0, null);
            }
            if (digest != null) {
                String actual = HexFormat.of().formatHex(digest.digest());
                if (!actual.equals(meta.etag())) {
                    Files.deleteIfExists(incomplete);
                    throw new GraftException("checksum mismatch for " + file + ": expected "
                            + (meta.isSha256() ? "sha256 " : "git sha1 ") + meta.etag() + ", got " + actual,
                            "the copy was deleted; run again, and report it if it repeats");
                }
            }
            // On disk before it gets its final name: after a crash a blob is whole or absent.
            try (FileChannel ch = FileChannel.open(incomplete, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw HubCache.cacheError(blob, e);
        }
    }

    /** GET with {@code Range} when part of the file is here; appends to {@code incomplete}. */
    private MessageDigest transfer(FileMetadata meta, Path incomplete, long have, MessageDigest digest,
                                   FileProgress progress) throws IOException {
        // the token goes with the request only while it stays on the endpoint's origin (HubHttp.send drops it elsewhere)
        HttpRequest.Builder b = http.request(meta.downloadUrl()).header("Accept-Encoding", "identity");
        if (have > 0) {
            b.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> resp = http.sendFollowingRedirects(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        String url = resp.request().uri().toString();
        int code = resp.statusCode();
        boolean append;
        if (code == 206 && have > 0) {
            long start = contentRangeStart(resp.headers().firstValue("Content-Range").orElse(""));
            if (start != have) {
                resp.body().close();
                Files.deleteIfExists(incomplete);
                progress.set(0);
                return transfer(meta, incomplete, 0, newDigest(meta), progress);
            }
            append = true;
        } else if (code == 416 && have > 0) {
            resp.body().close();
            if (have == meta.size()) {
                return digest;
            }
            Files.deleteIfExists(incomplete);
            progress.set(0);
            return transfer(meta, incomplete, 0, newDigest(meta), progress);
        } else if (code == 200) {
            append = false;
            if (have > 0) {
                // The server ignored Range: start over.
                digest = newDigest(meta);
                progress.set(0);
            }
        } else {
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            throw http.httpError(code, resp.headers().firstValue("X-Error-Code").orElse(null),
                    HubHttp.errorMessage(resp.headers().firstValue("X-Error-Message").orElse(null), body), url);
        }
        long written = 0;
        try (InputStream in = resp.body();
             FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                if (digest != null) {
                    digest.update(buf, 0, n);
                }
                written += n;
                progress.add(n);
            }
        } catch (IOException e) {
            throw new HubException("download interrupted after " + (have + written) + " of " + meta.size()
                    + " bytes (" + e.getMessage() + ")", "run again: it resumes where it stopped", 0, null);
        }
        return digest;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("interrupted while waiting to retry a download");
        }
    }

    private static long contentRangeStart(String contentRange) {
        Matcher m = Pattern.compile("bytes\\s+(\\d+)-").matcher(contentRange);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static MessageDigest newDigest(FileMetadata meta) {
        try {
            if (meta.isSha256()) {
                return MessageDigest.getInstance("SHA-256");
            }
            if (meta.isGitSha1()) {
                MessageDigest d = MessageDigest.getInstance("SHA-1");
                d.update(("blob " + meta.size() + "\0").getBytes(StandardCharsets.US_ASCII));
                return d;
            }
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void feedDigest(MessageDigest d, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
    }

    private Path fromCache(RepoType type, String repo, String file, String rev, String why) {
        Optional<String> commit = cache.resolveCached(type, repo, rev);
        if (commit.isPresent() && cache.knownMissing(type, repo, commit.get(), file)) {
            throw new GraftException(file + " does not exist in " + repo + " at " + rev
                    + " (remembered in the cache)", "check the file name");
        }
        return cachedLookup(type, repo, file, rev).orElseThrow(() -> new GraftException(
                why + " and " + repo + "/" + file + "@" + rev + " is not in the cache " + cache.root(),
                "download it once online (unset GRAFT_HUB_OFFLINE and HF_HUB_OFFLINE), e.g. graft hub pull "
                        + repo));
    }

    private Optional<Path> cachedLookup(RepoType type, String repo, String file, String rev) {
        return cache.resolveCached(type, repo, rev).flatMap(c -> cache.cachedFile(type, repo, c, file));
    }

    /** Checks the files of a cached snapshot that match the patterns (used where nothing can be downloaded). */
    private Path checkedSnapshot(RepoType type, String repo, String rev, List<String> patterns, boolean rehash, Path dir, String why) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(f -> Files.isSymbolicLink(f) || Files.isRegularFile(f)).sorted().toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!p.getFileName().toString().endsWith(".tmp") && RepoPaths.matchesAny(rel, patterns)) {
                    usableOrFail(type, repo, rel, rev, p, rehash, why);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private Path cachedSnapshot(RepoType type, String repo, String rev, String why) {
        Optional<Path> dir = cache.resolveCached(type, repo, rev).map(c -> cache.snapshotDir(type, repo, c))
                .filter(Files::isDirectory);
        return dir.orElseThrow(() -> new GraftException(
                why + " and " + repo + "@" + rev + " is not in the cache " + cache.root(),
                "pull it once online (unset GRAFT_HUB_OFFLINE and HF_HUB_OFFLINE): graft hub pull " + repo));
    }
}
