package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.zoo.bert.BertModels;
import dev.graft.zoo.resnet.ResNets;
import dev.graft.zoo.small.SmallModels;
import dev.graft.zoo.vit.VisionTransformers;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Families register through the {@link ModelFamily} service, like timm's register_model. */
class ZooFamilyTest {
    @Test
    void theBuiltInFamiliesAreServices() {
        List<Class<?>> found = ServiceLoader.load(ModelFamily.class, Zoo.class.getClassLoader()).stream()
                .<Class<?>>map(ServiceLoader.Provider::type).toList();
        assertTrue(found.containsAll(List.of(SmallModels.class, ResNets.class, VisionTransformers.class, BertModels.class)), found.toString());
        assertEquals("resnet", Zoo.architecture("resnet50").family());
        assertEquals("small", Zoo.architecture("small_cnn").family());
    }

    @Test
    void aFamilyFoundByServiceLoaderIsListedAndCreatable(@TempDir Path dir) throws Exception {
        // Listed only through this loader, so the family stays out of other tests' class path.
        Path services = Files.createDirectories(dir.resolve("META-INF").resolve("services"));
        Files.writeString(services.resolve(ModelFamily.class.getName()), "# a test family\n" + SpiTestFamily.class.getName() + "\n");
        assertFalse(Zoo.list("spi_test_*").contains(SpiTestFamily.ARCH));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertEquals(List.of(SpiTestFamily.class.getName()), Zoo.registerFamilies(loader), "the built-in families register once");
            assertEquals(List.of(SpiTestFamily.ARCH), Zoo.list("spi_test_*"));
            assertEquals("spi_test", Zoo.architecture(SpiTestFamily.ARCH).family());
            GraftModel m = Zoo.create(SpiTestFamily.ARCH, CreateOptions.defaults().withNumClasses(3).withSeed(1));
            assertEquals(3, m.cfg().numClasses());
            assertEquals(SpiTestFamily.ARCH, m.cfg().architecture());
            assertEquals(List.of(), Zoo.registerFamilies(loader), "a family registers once");
        }
    }

    @Test
    void zooErrorsNameNoCliCommandOrFlag() {
        ZooException unknown = org.junit.jupiter.api.Assertions.assertThrows(ZooException.class, () -> Zoo.architecture("qqq_net"));
        assertEquals(ZooException.Reason.UNKNOWN_MODEL, unknown.reason());
        assertEquals(List.of(), unknown.suggestions());
        assertFalse(unknown.fix().contains("graft ") || unknown.fix().contains("--"), unknown.fix());
        ZooException close = org.junit.jupiter.api.Assertions.assertThrows(ZooException.class, () -> Zoo.architecture("resnet19"));
        assertTrue(close.suggestions().contains("resnet18"), close.suggestions().toString());
    }
}
