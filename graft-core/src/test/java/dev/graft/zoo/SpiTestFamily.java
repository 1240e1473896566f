package dev.graft.zoo;

import dev.graft.zoo.small.SmallCnn;
import java.util.List;

/** A family that only {@link ZooFamilyTest} lists as a service, through its own class loader. */
public final class SpiTestFamily implements ModelFamily {
    static final String ARCH = "spi_test_cnn";

    @Override
    public void register() {
        PretrainedCfg cfg = new PretrainedCfg(ARCH, null, 10, 128, null, List.of(1, 28, 28), "bilinear", 1.0,
                List.of(0.5), List.of(0.5), "stem.conv", "fc", null, null, null);
        Zoo.register(ARCH, "spi_test", cfg, SmallCnn::new);
    }
}
