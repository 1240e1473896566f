import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.data.Pixels;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Writes random images and Graft's transforms of them as JSON, for comparison with torchvision. */
public final class TransformsDump {
    public static void main(String[] args) throws Exception {
        Random rng = new Random(3);
        List<Map<String, Object>> cases = new ArrayList<>();
        add(cases, rng, "resize", new int[] {3, 7, 5}, List.of(13, 11, "bilinear"), Transforms.resize(13, 11));
        add(cases, rng, "resize", new int[] {1, 16, 12}, List.of(5, 7, "bilinear"), Transforms.resize(5, 7));
        add(cases, rng, "resize", new int[] {3, 6, 9}, List.of(14, 10, "bicubic"), Transforms.resize(14, 10, "bicubic"));
        add(cases, rng, "resize", new int[] {2, 17, 13}, List.of(6, 5, "bicubic"), Transforms.resize(6, 5, "bicubic"));
        add(cases, rng, "resize", new int[] {1, 5, 7}, List.of(12, 3, "nearest"), Transforms.resize(12, 3, "nearest"));
        add(cases, rng, "resize_shorter", new int[] {3, 9, 14}, List.of(6), Transforms.resizeShorter(6));
        add(cases, rng, "center_crop", new int[] {3, 9, 8}, List.of(4, 5), Transforms.centerCrop(4, 5));
        add(cases, rng, "center_crop", new int[] {1, 3, 4}, List.of(6, 7), Transforms.centerCrop(6, 7));
        add(cases, rng, "hflip", new int[] {3, 4, 5}, List.of(), Transforms.horizontalFlip(1.0));
        add(cases, rng, "normalize", new int[] {3, 4, 4}, List.of(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225)),
                Transforms.normalize(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}));
        new ObjectMapper().writeValue(new File(args[0]), cases);
    }

    private static void add(List<Map<String, Object>> cases, Random rng, String op, int[] shape, List<Object> params, Transform t) {
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextFloat();
        }
        Pixels out = t.apply(new Pixels(shape[0], shape[1], shape[2], v), new Random(0));
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("op", op);
        c.put("shape", shape);
        c.put("params", params);
        c.put("input", v);
        c.put("output_shape", new int[] {out.channels(), out.height(), out.width()});
        c.put("output", out.values());
        cases.add(c);
    }
}
