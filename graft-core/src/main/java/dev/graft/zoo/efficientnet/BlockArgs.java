package dev.graft.zoo.efficientnet;

import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a timm EfficientNet / MobileNetV3 architecture definition, in timm's own notation
 * ({@code _decode_block_str}): {@code ir_r2_k3_s2_e6_c24_se0.25} is an inverted residual repeated
 * twice, 3x3 depthwise kernel, stride 2, expansion 6, 24 output channels, squeeze-excite ratio
 * 0.25. Types: {@code ds} depthwise-separable, {@code ir} inverted residual, {@code cn} conv-BN-act.
 * {@code nre} switches the block to ReLU; {@code noskip} drops the residual.
 *
 * <pre>{@code
 * BlockArgs a = BlockArgs.parse("ir_r3_k5_s2_e3_c40_se0.25_nre");
 * }</pre>
 *
 * @param act the block's activation, or null for the model's default
 */
public record BlockArgs(String type, int repeats, int kernel, int stride, double expRatio, int outChs, double seRatio, Act act,
        boolean noskip) {
    /** Parses timm's block string. */
    public static BlockArgs parse(String spec) {
        String[] ops = spec.split("_");
        String type = ops[0];
        if (!List.of("ds", "ir", "cn").contains(type)) {
            throw new GraftException("unknown block type '" + type + "' in '" + spec + "'", "use ds, ir or cn as timm does");
        }
        int repeats = 1;
        int kernel = 3;
        int stride = 1;
        double exp = 1;
        int out = -1;
        double se = 0;
        Act act = null;
        boolean noskip = false;
        for (int i = 1; i < ops.length; i++) {
            String op = ops[i];
            if (op.equals("noskip")) {
                noskip = true;
            } else if (op.equals("nre")) {
                act = Act.RELU;
            } else if (op.startsWith("se")) {
                se = Double.parseDouble(op.substring(2));
            } else {
                String v = op.substring(1);
                switch (op.charAt(0)) {
                    case 'r' -> repeats = Integer.parseInt(v);
                    case 'k' -> kernel = Integer.parseInt(v);
                    case 's' -> stride = Integer.parseInt(v);
                    case 'e' -> exp = Double.parseDouble(v);
                    case 'c' -> out = Integer.parseInt(v);
                    default -> throw new GraftException("unknown block option '" + op + "' in '" + spec + "'",
                            "use timm's options r, k, s, e, c, se, nre, noskip");
                }
            }
        }
        return new BlockArgs(type, repeats, kernel, stride, exp, out, se, act, noskip);
    }

    /** Parses a whole architecture: one list of block strings per stage. */
    public static List<List<BlockArgs>> parseStages(String[][] stages) {
        List<List<BlockArgs>> out = new ArrayList<>();
        for (String[] stage : stages) {
            out.add(java.util.Arrays.stream(stage).map(BlockArgs::parse).toList());
        }
        return out;
    }

    /** timm's {@code make_divisible}: the nearest multiple of {@code divisor}, never more than 10% below {@code v}. */
    public static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /** timm's {@code round_channels}: {@code channels * multiplier} made divisible by 8. */
    public static int roundChannels(int channels, double multiplier) {
        return makeDivisible(channels * multiplier, 8);
    }
}
