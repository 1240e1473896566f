package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.hub.protocol.RepoType;
import dev.graft.peft.Adapters;
import dev.graft.peft.Ia3Config;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.LoraConfig;
import dev.graft.peft.PeftConfig;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PEFT adapters as hub citizens: an adapter repository (adapter_config.json, adapter_model.safetensors,
 * README.md) pushed to the fake hub, whose base is itself a hub repository, loads by name with
 * {@code Zoo.create("hf-hub:...")} as the base with the adapter, the same as the local folder; several
 * adapters from the hub sit on one base and switch by name.
 */
class HubAdapterTest extends TinyRepoFixture {
    private Hub hub;
    private NDManager nd;

    HubAdapterTest() {
        super(16, 5);
    }

    @BeforeEach
    void home() {
        useFakeHubAndFreshHome();
        Engines.pytorch();
        hub = new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
        nd = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        nd.close();
    }

    /** A tiny random BERT in transformers' layout, pushed as alice/tiny-bert. */
    private Path pushBase() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("base"));
        BertConfig cfg = BertConfig.of(16, 2, 2, 32, 64, 30522, 2, false);
        cfg.write(dir.resolve("config.json"));
        Engine.getInstance().setRandomSeed(3);
        BertModel m = new BertModel(cfg);
        m.initialize(nd);
        BertWeights.write(m.stateDict(), dir.resolve("model.safetensors"));
        hub.createRepo(RepoType.MODEL, "alice/tiny-bert", false, false);
        hub.uploadFolder(RepoType.MODEL, "alice/tiny-bert", dir, null, "base");
        return dir;
    }

    /** An adapter of the base with weights away from their start, saved with its card and pushed as {@code repo}. */
    private Path pushAdapter(Path base, PeftConfig config, String repo, int seed) {
        GraftModel m = Zoo.create("local-dir:" + base, CreateOptions.defaults());
        Path dir = tmp.resolve(repo.replace('/', '-'));
        Engine.getInstance().setRandomSeed(seed);
        try (LoraAdapter a = LoraAdapter.create(m, config.withBaseModel("alice/tiny-bert"))) {
            for (Parameter p : a.stateDict().values()) {
                NDArray v = p.getArray();
                float mean = p.getName().endsWith("ia3_l") ? 1 : 0;
                v.set(v.getManager().randomNormal(mean, 0.3f, v.getShape(), v.getDataType()).toFloatArray());
            }
            a.save(dir, "feature-extraction", a.cardBody("adapter of alice/tiny-bert", null));
        }
        hub.createRepo(RepoType.MODEL, repo, false, false);
        hub.uploadFolder(RepoType.MODEL, repo, dir, null, "adapter");
        return dir;
    }

    private float[] features(GraftModel m) {
        NDArray ids = nd.create(new long[][] {{101, 2000, 3000, 102}, {101, 4000, 5000, 102}});
        return m.forwardFeatures(null, ids, false).toFloatArray();
    }

    @Test
    void anAdapterPushedToTheHubLoadsByNameOnItsHubBase() throws Exception {
        Path base = pushBase();
        Path lora = pushAdapter(base, LoraConfig.defaults().withR(4), "alice/tiny-lora", 7);
        Path ia3 = pushAdapter(base, Ia3Config.defaults(), "alice/tiny-ia3", 8);
        String card = Files.readString(hub.download("alice/tiny-lora", "README.md", null));
        assertTrue(card.contains("library_name: peft") && card.contains("base_model: alice/tiny-bert"), card);

        float[] plain = features(Zoo.create("local-dir:" + base, CreateOptions.defaults()));
        for (Path local : new Path[] {lora, ia3}) {
            String name = "hf-hub:alice/" + local.getFileName().toString().substring("alice-".length());
            GraftModel pulled = Zoo.create(name, CreateOptions.defaults());
            assertEquals("bert", Zoo.cfg(name).architecture().split("_")[0], "the configuration is the base's");
            float[] hubOut = features(pulled);
            assertArrayEquals(features(Zoo.create("local-dir:" + local, CreateOptions.defaults())), hubOut, 1e-6f, name);
            assertFalse(java.util.Arrays.equals(plain, hubOut), name + " changed nothing");
        }

        // several adapters from the hub on one base, switched by name
        GraftModel m = Zoo.create("hf-hub:alice/tiny-bert", CreateOptions.defaults());
        try (Adapters on = new Adapters()) {
            on.add(LoraAdapter.load("hf-hub:alice/tiny-lora", "lora").apply(m));
            on.add(LoraAdapter.load("hf-hub:alice/tiny-ia3", "ia3").apply(m));
            assertArrayEquals(features(Zoo.create("hf-hub:alice/tiny-lora", CreateOptions.defaults())), features(m), 1e-5f);
            on.use("ia3");
            assertArrayEquals(features(Zoo.create("hf-hub:alice/tiny-ia3", CreateOptions.defaults())), features(m), 1e-5f);
            on.useNone();
            assertArrayEquals(plain, features(m), 1e-6f);
        }
        GraftException notAdapter = assertThrows(GraftException.class, () -> LoraAdapter.load("hf-hub:alice/tiny-bert", "x"));
        assertTrue(notAdapter.getMessage().contains("no adapter_config.json"), notAdapter.oneLine());

        // offline, from the cache
        setProperty("graft.hub.offline", "1");
        assertArrayEquals(features(Zoo.create("local-dir:" + lora, CreateOptions.defaults())),
                features(Zoo.create("hf-hub:alice/tiny-lora", CreateOptions.defaults())), 1e-6f);
    }

    @Test
    void anAdapterWhoseBaseIsMissingOrOtherFailsInOneLine() throws Exception {
        Path base = pushBase();
        Path dir = pushAdapter(base, LoraConfig.defaults(), "alice/orphan", 9);
        Files.writeString(dir.resolve("adapter_config.json"),
                Files.readString(dir.resolve("adapter_config.json")).replace("alice/tiny-bert", "alice/no-such-base"));
        hub.uploadFolder(RepoType.MODEL, "alice/orphan", dir, null, "base renamed");
        GraftException missing = assertThrows(GraftException.class, () -> Zoo.create("hf-hub:alice/orphan", CreateOptions.defaults()));
        assertTrue(missing.getMessage().contains("the adapter's base model 'alice/no-such-base' cannot be loaded"), missing.oneLine());
        assertEquals(1, missing.oneLine().lines().count());

        Path wide = Files.createDirectories(tmp.resolve("wide"));
        BertConfig cfg = BertConfig.of(32, 2, 2, 32, 64, 30522, 2, false);
        cfg.write(wide.resolve("config.json"));
        BertModel w = new BertModel(cfg);
        w.initialize(nd);
        BertWeights.write(w.stateDict(), wide.resolve("model.safetensors"));
        hub.createRepo(RepoType.MODEL, "alice/no-such-base", false, false);
        hub.uploadFolder(RepoType.MODEL, "alice/no-such-base", wide, null, "a base of other dimensions");
        GraftException dims = assertThrows(GraftException.class, () -> Zoo.create("hf-hub:alice/orphan", CreateOptions.defaults()));
        assertTrue(dims.getMessage().contains("does not fit") && dims.fix().contains("other dimensions"), dims.oneLine());
    }
}
