package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.RepoType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gated repositories as huggingface.co answers them: 401 without a token, 403 until the licence is accepted. */
class HubGatedRepoTest extends TinyRepoFixture {
    static final String OTHER_TOKEN = "hf_fake_token_of_bob";
    FakeHfHub.Repo gated;

    HubGatedRepoTest() {
        super(1_000, 5);
    }

    @BeforeEach
    void gatedRepo() {
        gated = fake.createRepo("model", "org/x", false);
        gated.gated = true;
        gated.accepted.add(FakeHfHub.TOKEN);
        fake.commit(gated, "main", Map.of("config.json", config, "model.safetensors", weights));
    }

    Hub hub(String token) {
        return new Hub(new HubConfig(fake.endpoint, token, false, tmp.resolve("cache")));
    }

    @Test
    void withoutATokenItSaysToAcceptTheLicenceAndSetTheToken() {
        HubException e = assertThrows(HubException.class, () -> hub(null).download("org/x", "config.json", "main"));
        assertEquals(401, e.status());
        assertEquals("GatedRepo", e.errorCode());
        assertEquals("org/x is gated (accept its licence at " + fake.endpoint + "/org/x and set HF_TOKEN (or GRAFT_TOKEN))",
                e.oneLine());
        // a snapshot lists the files (the API is public) and stops at the first file with the same line
        HubException s = assertThrows(HubException.class, () -> hub(null).snapshot("org/x", "main", List.of()));
        assertEquals(e.oneLine(), s.oneLine());
    }

    @Test
    void aTokenWithoutAccessIsToldToAcceptTheLicence() {
        HubException e = assertThrows(HubException.class, () -> hub(OTHER_TOKEN).download("org/x", "model.safetensors", "main"));
        assertEquals(403, e.status());
        assertEquals("GatedRepo", e.errorCode());
        assertEquals("org/x is gated: your token has no access to org/x yet (accept the licence at " + fake.endpoint
                + "/org/x with the account the token belongs to)", e.oneLine());
        gated.accepted.add(OTHER_TOKEN);
        assertTrue(Files.exists(hub(OTHER_TOKEN).download("org/x", "model.safetensors", "main")));
    }

    @Test
    void aTokenThatAcceptedTheLicenceDownloads() throws Exception {
        assertEquals(new String(config, StandardCharsets.UTF_8),
                Files.readString(hub(FakeHfHub.TOKEN).snapshotModel("hf-hub:org/x").resolve("config.json")));
    }

    @Test
    void aGatedDatasetPointsAtTheDatasetsPage() {
        FakeHfHub.Repo ds = fake.createRepo("dataset", "org/data", false);
        ds.gated = true;
        fake.commit(ds, "main", Map.of("train.csv", "1,2\n".getBytes(StandardCharsets.UTF_8)));
        HubException e = assertThrows(HubException.class, () -> hub(null).download(RepoType.DATASET, "org/data", "train.csv", null));
        assertTrue(e.fix().contains(fake.endpoint + "/datasets/org/data "), e.oneLine());
    }

    @Test
    void privateAndMissingRepositoriesKeepTheirMessages() {
        fake.createRepo("model", "org/secret", true);
        HubException priv = assertThrows(HubException.class, () -> hub(null).download("org/secret", "a.txt", "main"));
        assertEquals("repository org/secret not found on " + fake.endpoint + " (or it is private)", priv.getMessage());
        HubException missing = assertThrows(HubException.class, () -> hub(null).download("org/none", "a.txt", "main"));
        assertEquals("repository org/none not found on " + fake.endpoint, missing.getMessage());
    }
}
