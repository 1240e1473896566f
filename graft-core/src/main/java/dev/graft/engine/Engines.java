package dev.graft.engine;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import dev.graft.GraftException;
import dev.graft.util.Lazy;

/**
 * Starts the PyTorch engine offline, with natives from the {@code pytorch-native-cpu} jar and a
 * thread setup that suits the cores this process may use.
 *
 * <p>DJL's defaults oversubscribe small machines (a resnet18 forward went from 14.5 to 44 img/s on
 * 2 cores with intra-op threads = cores and one inter-op thread), so Graft sets both unless the user
 * already did with {@code -Dai.djl.pytorch.num_threads} / {@code num_interop_threads}.
 *
 * <pre>{@code
 * Engine engine = Engines.pytorch();
 * try (NDManager nd = NDManager.newBaseManager()) { ... }
 * }</pre>
 */
public final class Engines {
    /** The libtorch version of the natives Graft is built against. */
    public static final String TORCH_VERSION = "2.7.1";

    private static final Lazy<Engine> ENGINE = new Lazy<>(Engines::startEngine);

    private Engines() {}

    /** Sets the offline and thread properties, if not set already; safe to call many times. */
    public static void configure() {
        setIfAbsent("ai.djl.offline", "true");
        int cores = Runtime.getRuntime().availableProcessors();
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, cores)));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        // DJL's own caches (extracted natives) live under GRAFT_HOME too.
        setIfAbsent("DJL_CACHE_DIR", dev.graft.GraftHome.root().resolve("cache").resolve("djl").toString());
        // DJL logs the engine banner at INFO and a GPU probe failure at WARN on CPU-only machines.
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    }

    /**
     * The PyTorch engine, started once and checked to compute right on this machine
     * ({@link EngineNumerics}); a {@link GraftException} if its natives cannot be loaded, an
     * {@link EngineNumerics.WrongNumerics} if its kernels give wrong results here.
     */
    public static Engine pytorch() {
        Engine e = start();
        EngineNumerics.require();
        return e;
    }

    /** The PyTorch engine, started once, without the numerics check (which itself needs the engine). */
    public static Engine start() {
        return ENGINE.get();
    }

    private static Engine startEngine() {
        configure();
        try {
            return Engine.getEngine("PyTorch");
        } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError ex) {
            throw new GraftException(
                    "the PyTorch engine could not start: " + rootMessage(ex),
                    "Graft needs ai.djl.pytorch:pytorch-native-cpu:" + TORCH_VERSION + " (classifier for this platform)"
                            + " and pytorch-jni " + TORCH_VERSION + "-0.36.0 on the class path; rebuild with ./graft or mvn package",
                    ex);
        }
    }

    /** Intra-op threads the engine was configured with. */
    public static int threads() {
        configure();
        return Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads"));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
