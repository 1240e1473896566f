package dev.graft.train;

/**
 * Linear warm-up from 0 to the peak, then a cosine decay to {@code peak * minRatio}, per optimizer step
 * (as timm's CosineLRScheduler with warm-up, stepped per update).
 *
 * <pre>{@code
 * LrSchedule s = new LrSchedule(0.1, 100, 1000, 0.01);
 * s.lr(0);     // 0.001 (first warm-up step)
 * s.lr(100);   // 0.1   (peak)
 * s.lr(999);   // ~0.001
 * }</pre>
 *
 * @param peak the peak learning rate
 * @param warmupSteps steps of linear warm-up
 * @param totalSteps all steps of the run
 * @param minRatio the final learning rate relative to the peak
 */
public record LrSchedule(double peak, long warmupSteps, long totalSteps, double minRatio) {

    /** The learning rate of step {@code step} (0-based). */
    public double lr(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (double) warmupSteps;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / (double) decaySteps);
        double min = peak * minRatio;
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
