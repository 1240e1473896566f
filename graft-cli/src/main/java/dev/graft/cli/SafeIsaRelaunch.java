package dev.graft.cli;

import dev.graft.engine.EngineNumerics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the command line again with oneDNN limited to {@link EngineNumerics#SAFE_ISA} where the
 * engine's default kernels failed the numerics check on this machine. oneDNN reads its ISA limit
 * from the environment once, so only a new process can change it.
 */
final class SafeIsaRelaunch {
    /** The exit code by which a run asks for the restart (EX_TEMPFAIL). */
    static final int EXIT = 75;

    private SafeIsaRelaunch() {}

    /** Whether this process may restart itself: the ISA was not chosen by the user and it is no child of ours. */
    static boolean possible() {
        return EngineNumerics.isaSetting() == null;
    }

    /** True where a check already ran here and failed with the default kernels: restart before doing anything. */
    static boolean knownNeeded() {
        if (!possible() || "false".equals(System.getProperty("graft.numerics.check"))) {
            return false;
        }
        EngineNumerics.Verdict v = EngineNumerics.cachedVerdict();
        return v != null && !v.ok();
    }

    /** Runs {@code args} in a new JVM with the safe ISA, sharing this one's terminal; returns its exit code. */
    static int run(String[] args) {
        EngineNumerics.Verdict v = EngineNumerics.cachedVerdict();
        System.err.println("note: the engine's default oneDNN kernels fail Graft's numerics check on this CPU"
                + (v != null && v.failure() != null ? " (" + v.failure() + ")" : "") + "; running with "
                + EngineNumerics.ISA_VARIABLE + "=" + EngineNumerics.SAFE_ISA);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GraftCli.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(EngineNumerics.ISA_VARIABLE, EngineNumerics.SAFE_ISA);
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            System.err.println("error: could not restart Java with " + EngineNumerics.ISA_VARIABLE + ": " + e.getMessage()
                    + " (set " + EngineNumerics.ISA_VARIABLE + "=" + EngineNumerics.SAFE_ISA + " yourself)");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
