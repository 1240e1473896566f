package dev.graft.hub.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.store.Commit;
import dev.graft.hub.server.web.DatasetFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/datasets/{id}/parquet[/{config}[/{split}]]} answers as the Hugging Face Hub does: a map of
 * configs to splits to Parquet URLs, one config's map, one split's list; each URL redirects to the file.
 */
class DatasetParquetApiTest {
    @Test
    void listsTheParquetFilesPerConfigAndSplitAsTheHubDoes(@TempDir Path dir) throws Exception {
        try (TestHub t = TestHub.start(dir.resolve("hub"))) {
            RepoId id = RepoId.of(RepoType.DATASET, "bob/digits");
            DatasetFixture.digits(t.server.hub(), id, Files.createDirectories(dir.resolve("parquet")));
            String base = t.url + "/api/datasets/bob/digits/parquet";

            JsonNode all = TestHub.JSON.readTree(t.get("/api/datasets/bob/digits/parquet", null).body());
            assertEquals(TestHub.JSON.readTree("{\"default\": {\"train\": [\"" + base + "/default/train/0.parquet\"], \"test\": [\""
                    + base + "/default/test/0.parquet\"]}}"), all);
            assertEquals(all.get("default"), TestHub.JSON.readTree(t.get("/api/datasets/bob/digits/parquet/default", null).body()));
            assertEquals(all.get("default").get("test"), TestHub.JSON.readTree(t.get("/api/datasets/bob/digits/parquet/default/test", null).body()));

            HttpResponse<byte[]> file = t.get(all.get("default").get("train").get(0).asText(), null);
            assertEquals(302, file.statusCode());
            Commit c = t.server.hub().store().commitAt(id, "main");
            assertEquals("/datasets/bob/digits/resolve/" + c.id() + "/data/train-00000-of-00001.parquet", file.headers().firstValue("Location").orElseThrow());
            byte[] stored = t.server.hub().store().blobs().read(c.file("data/train-00000-of-00001.parquet").sha256());
            assertArrayEquals(stored, t.get(file.headers().firstValue("Location").orElseThrow(), null).body());

            HttpResponse<byte[]> noSplit = t.get("/api/datasets/bob/digits/parquet/default/validation", null);
            assertEquals(404, noSplit.statusCode());
            assertTrue(new String(noSplit.body(), StandardCharsets.UTF_8).contains("its splits: [train, test]"));
            assertEquals(404, t.get("/api/datasets/bob/digits/parquet/other", null).statusCode());
            assertEquals(404, t.get("/api/datasets/bob/digits/parquet/default/train/1.parquet", null).statusCode());
            assertEquals(404, t.get("/api/datasets/bob/none/parquet", null).statusCode());
        }
    }

    @Test
    void aRepositoryWithoutParquetListsNothingAndAPrivateOneIsHidden(@TempDir Path dir) throws Exception {
        try (TestHub t = TestHub.start(dir.resolve("hub"))) {
            RepoId id = RepoId.of(RepoType.DATASET, "bob/topics");
            t.server.hub().store().create(id, false, "bob");
            DatasetFixture.commit(t.server.hub(), id, "train.jsonl", "{\"text\": \"a cat\", \"label\": 0}\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("{}", new String(t.get("/api/datasets/bob/topics/parquet", null).body(), StandardCharsets.UTF_8));

            RepoId secret = RepoId.of(RepoType.DATASET, "bob/secret");
            DatasetFixture.digits(t.server.hub(), secret, Files.createDirectories(dir.resolve("parquet")));
            t.server.hub().setPrivate(secret, true);
            assertEquals(404, t.get("/api/datasets/bob/secret/parquet", null).statusCode());
            assertEquals(200, t.get("/api/datasets/bob/secret/parquet", t.token("bob", false)).statusCode());
        }
    }
}
