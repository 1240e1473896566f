package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.vit.VisionTransformer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("numerics")
class ArchitectureTest {
    @TempDir
    Path tmp;

    /** Key lists generated once from torchvision 0.14 ({@code model.state_dict().keys()}). */
    private static List<String> torchvisionKeys(String arch) throws IOException {
        try (InputStream in = ArchitectureTest.class.getResourceAsStream("torchvision_" + arch + "_keys.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @Test
    void resnetStateDictKeysAreTorchvisionsInOrder() throws IOException {
        for (String arch : List.of("resnet18", "resnet50")) {
            List<String> expected = torchvisionKeys(arch);
            GraftModel m = Zoo.create(arch);
            List<String> withoutCounters = expected.stream().filter(k -> !k.endsWith("num_batches_tracked")).toList();
            assertEquals(withoutCounters, new ArrayList<>(m.stateDict().keySet()), arch);
            Path file = tmp.resolve(arch + ".safetensors");
            Weights.saveStateDict(m, file);
            try (SafeTensors st = SafeTensors.open(file)) {
                assertEquals(expected, st.names(), arch + " file keys equal torchvision's state_dict, counters included");
            }
        }
        assertEquals(11_689_512L, Zoo.create("resnet18").numParams(), "torchvision's resnet18 parameter count");
    }

    @Test
    void vitKeysFollowTimm() {
        GraftModel vit = Zoo.create("vit_tiny_patch16_224");
        List<String> keys = new ArrayList<>(vit.stateDict().keySet());
        assertEquals(List.of("cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias",
                "blocks.0.norm1.weight", "blocks.0.norm1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
                "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.norm2.weight", "blocks.0.norm2.bias",
                "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc1.bias", "blocks.0.mlp.fc2.weight", "blocks.0.mlp.fc2.bias"),
                keys.subList(0, 16));
        assertEquals(List.of("norm.weight", "norm.bias", "head.weight", "head.bias"), keys.subList(keys.size() - 4, keys.size()));
        assertEquals(new Shape(1, 197, 192), vit.stateDict().get("pos_embed").getArray().getShape());
        assertEquals(new Shape(576, 192), vit.stateDict().get("blocks.11.attn.qkv.weight").getArray().getShape());
        assertEquals(5_717_416L, vit.numParams(), "timm's vit_tiny_patch16_224 parameter count");
    }

    @Test
    void posEmbedResamplingIsBilinearAndKeepsTheClassToken() {
        try (NDManager nd = NDManager.newBaseManager()) {
            // Grid 1x2 holding [0, 1] per channel, resized to 1x4: PyTorch's bilinear (align_corners=False)
            // gives 0, 0.25, 0.75, 1.
            NDArray pos = nd.create(new float[] {9, -9, 0, 0, 1, 10}, new Shape(1, 3, 2));
            NDArray out = VisionTransformer.resamplePosEmbed(pos, 1, 2, 1, 4);
            assertEquals(new Shape(1, 5, 2), out.getShape());
            assertArrayEquals(new float[] {9, -9, 0, 0, 0.25f, 2.5f, 0.75f, 7.5f, 1, 10}, out.toFloatArray(), 1e-6f);
            NDArray same = VisionTransformer.resamplePosEmbed(pos, 1, 2, 1, 2);
            assertArrayEquals(pos.toFloatArray(), same.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void vitRunsOnOtherSizesAndLoadsWeightsMadeForAnotherGrid() {
        ModelBase at32 = (ModelBase) Zoo.create("vit_tiny_patch16_224", CreateOptions.defaults().withImgSize(32).withNumClasses(3).withSeed(4));
        try (NDManager nd = NDManager.newBaseManager()) {
            // 48x48 input on a model built for 32x32: embeddings resampled on the fly.
            assertEquals(new Shape(2, 3), at32.predict(nd.randomUniform(0f, 1f, new Shape(2, 3, 48, 48))).getShape());
            Path file = tmp.resolve("vit32.safetensors");
            Weights.saveStateDict(at32, file);
            ModelBase at64 = (ModelBase) Zoo.create("vit_tiny_patch16_224",
                    CreateOptions.defaults().withImgSize(64).withNumClasses(3).withSource("file:" + file));
            assertEquals(List.of("pos_embed"), at64.loadReport().adapted());
            assertEquals(new Shape(1, 17, 192), at64.stateDict().get("pos_embed").getArray().getShape());
            assertArrayEquals(at32.stateDict().get("cls_token").getArray().toFloatArray(),
                    at64.stateDict().get("cls_token").getArray().toFloatArray());
            // Same weights, same 64x64 input: resampling at load time equals resampling on the fly.
            NDArray x = nd.randomUniform(0f, 1f, new Shape(1, 3, 64, 64));
            assertArrayEquals(at32.predict(x).toFloatArray(), at64.predict(x).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void resnetFeatureInfoMatchesTimm() {
        GraftModel r50 = Zoo.create("resnet50", CreateOptions.defaults().withNumClasses(0));
        assertEquals(List.of(new FeatureInfo("act1", 64, 2), new FeatureInfo("layer1", 256, 4), new FeatureInfo("layer2", 512, 8),
                new FeatureInfo("layer3", 1024, 16), new FeatureInfo("layer4", 2048, 32)), r50.featureInfo());
        assertEquals(0, r50.numClasses());
        assertEquals(2048, r50.numFeatures());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(1, 3, 32, 32));
            var feats = r50.forwardIntermediates(null, x, new int[] {1, 4}, false);
            assertEquals(new Shape(1, 256, 8, 8), feats.get(0).getShape());
            assertEquals(new Shape(1, 2048, 1, 1), feats.get(1).getShape());
            assertEquals(new Shape(1, 2048), ((ModelBase) r50).predict(x).getShape(), "no classifier: pooled features");
        }
        assertTrue(r50.groupMatcher().get(0).matches("bn1.running_mean"));
    }

    /**
     * The model's state dict equals timm's, key by key in order and shape by shape, buffers included.
     * The lists are torchvision 0.14's models with their keys mapped to timm's by
     * conformance/zoo_reference.py (which conformance/zoo.sh also uses to feed PyTorch's weights in).
     */
    private void assertTimmKeysAndShapes(String arch, GraftModel model) throws IOException {
        List<String> expected;
        try (InputStream in = ArchitectureTest.class.getResourceAsStream("timm_" + arch + "_keys.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        List<String> got = new ArrayList<>();
        model.stateDict().forEach((k, p) -> got.add(k + " " + java.util.Arrays.toString(p.getArray().getShape().getShape())));
        assertEquals(expected.stream().filter(l -> !l.contains("num_batches_tracked")).toList(), got, arch);
        Path file = tmp.resolve(arch + ".safetensors");
        Weights.saveStateDict(model, file);
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(expected.stream().map(l -> l.substring(0, l.indexOf(' '))).toList(), st.names(), arch + ": file keys, counters included");
        }
    }

    @Test
    void efficientnetAndMobilenetKeysShapesAndFeaturesFollowTimm() throws IOException {
        for (String arch : List.of("efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
                "mobilenetv3_large_100", "mobilenetv3_small_100")) {
            assertTimmKeysAndShapes(arch, Zoo.create(arch));
        }
        GraftModel b0 = Zoo.create("efficientnet_b0", CreateOptions.defaults().withSeed(2));
        assertEquals(5_288_548L, b0.numParams(), "timm's efficientnet_b0 parameter count");
        assertEquals(List.of(new FeatureInfo("blocks.0", 16, 2), new FeatureInfo("blocks.1", 24, 4), new FeatureInfo("blocks.2", 40, 8),
                new FeatureInfo("blocks.4", 112, 16), new FeatureInfo("blocks.6", 320, 32)), b0.featureInfo());
        GraftModel large = Zoo.create("mobilenetv3_large_100", CreateOptions.defaults().withSeed(2));
        assertEquals(5_483_032L, large.numParams(), "timm's mobilenetv3_large_100 parameter count");
        assertEquals(List.of(16, 24, 40, 112, 960), large.featureInfo().stream().map(FeatureInfo::channels).toList());
        assertEquals(List.of("stem", "stage0", "stage1", "stage2", "stage3", "stage4", "stage5", "stage6", "head"),
                large.groupMatcher().stream().map(ParamGroup::name).toList());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(2, 3, 64, 64));
            var feats = b0.forwardIntermediates(null, x, new int[] {1, 4}, false);
            assertEquals(new Shape(2, 24, 16, 16), feats.get(0).getShape());
            assertEquals(new Shape(2, 320, 2, 2), feats.get(1).getShape());
            large.resetClassifier(4);
            assertEquals(new Shape(2, 4), ((ModelBase) large).predict(x).getShape());
            b0.resetClassifier(0);
            assertEquals(new Shape(2, 1280), ((ModelBase) b0).predict(x).getShape(), "no classifier: pooled features");
        }
    }

    @Test
    void convnextKeysFeaturesAndHeadFollowTimm() throws IOException {
        GraftModel convnext = Zoo.create("convnext_tiny", CreateOptions.defaults().withSeed(3));
        assertTimmKeysAndShapes("convnext_tiny", convnext);
        assertEquals(28_589_128L, convnext.numParams(), "timm's convnext_tiny parameter count");
        assertEquals(new Shape(96), convnext.stateDict().get("stages.0.blocks.0.gamma").getArray().getShape());
        assertEquals(1e-6f, convnext.stateDict().get("stages.0.blocks.0.gamma").getArray().getFloat(0), 0f, "timm's ls_init_value");
        assertEquals(List.of(new FeatureInfo("stages.0", 96, 4), new FeatureInfo("stages.1", 192, 8),
                new FeatureInfo("stages.2", 384, 16), new FeatureInfo("stages.3", 768, 32)), convnext.featureInfo());
        assertEquals("head.fc", convnext.cfg().classifier());
        assertEquals("stem.0", convnext.cfg().firstConv());
        assertEquals(List.of("stem", "stage0", "stage1", "stage2", "stage3", "head"),
                convnext.groupMatcher().stream().map(ParamGroup::name).toList());
        assertTrue(convnext.groupMatcher().get(5).matches("head.norm.weight"));
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(1, 3, 64, 64));
            var feats = convnext.forwardIntermediates(null, x, new int[] {0, 3}, false);
            assertEquals(new Shape(1, 96, 16, 16), feats.get(0).getShape());
            assertEquals(new Shape(1, 768, 2, 2), feats.get(1).getShape());
            convnext.resetClassifier(5);
            assertEquals(new Shape(1, 5), ((ModelBase) convnext).predict(x).getShape());
            assertEquals(List.of("head.fc.weight", "head.fc.bias"), new ArrayList<>(convnext.stateDict().keySet()).subList(180, 182));
        }
    }
}
