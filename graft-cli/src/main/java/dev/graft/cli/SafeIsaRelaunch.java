package dev.graft.cli;

import dev.graft.engine.EngineNumerics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the command line again with oneDNN limited to the next of {@link EngineNumerics#FALLBACK_ISAS}
 * where the engine's kernels failed the numerics check on this machine; a restarted run whose kernels
 * fail too restarts with the one after. oneDNN reads its ISA limit from the environment once, so only
 * a new process can change it.
 */
final class SafeIsaRelaunch {
    /** The exit code by which a run asks for the restart (EX_TEMPFAIL). */
    static final int EXIT = 75;

    private SafeIsaRelaunch() {}

    /** Set in a restarted run's environment: its ISA limit was chosen by Graft, not by the user. */
    static final String MARKER = "GRAFT_ISA_FALLBACK";

    /** Whether this process may restart itself: the user chose no ISA limit, and a fallback is left to try. */
    static boolean possible() {
        String isa = EngineNumerics.isaSetting();
        return isa == null || ("1".equals(System.getenv(MARKER)) && EngineNumerics.nextFallback(isa) != null);
    }

    /** True where a check already ran here and failed with the default kernels: restart before doing anything. */
    static boolean knownNeeded() {
        if (!possible() || "false".equals(System.getProperty("graft.numerics.check"))) {
            return false;
        }
        EngineNumerics.Verdict v = EngineNumerics.cachedVerdict();
        return v != null && !v.ok();
    }

    /** Runs {@code args} in a new JVM with the next fallback ISA, sharing this one's terminal; returns its exit code. */
    static int run(String[] args) {
        EngineNumerics.Verdict v = EngineNumerics.cachedVerdict();
        String isa = EngineNumerics.isaSetting();
        List<String> all = EngineNumerics.FALLBACK_ISAS;
        String next = EngineNumerics.nextUntriedOrPassing(isa);
        if (next == null) {
            next = all.get(all.size() - 1);  // every fallback failed before: the last one runs and says so
        }
        // the fallbacks between this setting and the next that failed before: not started again
        List<String> skipped = all.subList(all.indexOf(EngineNumerics.nextFallback(isa)), all.indexOf(next));
        System.err.println("note: the engine's " + (isa == null ? "default" : isa) + " oneDNN kernels fail Graft's numerics check on this CPU"
                + (v != null && v.failure() != null ? " (" + v.failure() + ")" : "") + "; running with "
                + EngineNumerics.ISA_VARIABLE + "=" + next + (skipped.isEmpty() ? "" : " (" + String.join(", ", skipped) + " failed before)"));
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String classPath = System.getProperty("java.class.path");
        if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
            // again with -jar: the manifest's Add-Opens (which Spark needs) apply only to a jar started that way
            cmd.add("-jar");
            cmd.add(classPath);
        } else {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(GraftCli.class.getName());
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(EngineNumerics.ISA_VARIABLE, next);
        pb.environment().put(MARKER, "1");
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            System.err.println("error: could not restart Java with " + EngineNumerics.ISA_VARIABLE + ": " + e.getMessage()
                    + " (set " + EngineNumerics.ISA_VARIABLE + "=" + next + " yourself)");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
