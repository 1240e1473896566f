package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Scalars computes what DJL's Number overloads compute, and Graft's code calls none of those overloads. */
class ScalarsTest {
    /** DJL's overloads whose constant tensor autograd may keep (add and sub need no saved operand; comparisons no gradient). */
    private static final Set<String> FORBIDDEN = Set.of("mul", "div", "pow", "maximum", "minimum", "mod", "muli", "divi", "powi", "modi");

    private static final Set<String> ARRAY_TYPES = Set.of("ai/djl/ndarray/NDArray", "ai/djl/pytorch/engine/PtNDArray");

    @Test
    void computesWhatTheOverloadsCompute() {
        Engines.pytorch();
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(new float[] {-2f, 0.5f, 3f});
            assertArrayEquals(new float[] {-1f, 0.25f, 1.5f}, Scalars.mul(x, 0.5).toFloatArray());
            assertArrayEquals(new float[] {-8f, 2f, 12f}, Scalars.div(x, 0.25).toFloatArray());
            assertArrayEquals(new float[] {-8f, 0.125f, 27f}, Scalars.pow(x, 3).toFloatArray());
            assertArrayEquals(new float[] {0f, 0.5f, 3f}, Scalars.maximum(x, 0).toFloatArray());
            assertArrayEquals(new float[] {-2f, 0.5f, 1f}, Scalars.minimum(x, 1).toFloatArray());
            NDArray ints = nd.create(new long[] {1, 2});
            assertEquals(DataType.INT64, Scalars.mul(ints, 3).getDataType());
            assertEquals(DataType.FLOAT32, Scalars.mul(ints, 0.5).getDataType());
            assertArrayEquals(new float[] {0.5f, 1f}, Scalars.mul(ints, 0.5).toFloatArray());
            NDArray y = x.duplicate();
            assertTrue(Scalars.muli(y, 2) == y);
            assertArrayEquals(new float[] {-4f, 1f, 6f}, y.toFloatArray());
        }
    }

    @Test
    void graftCallsNoneOfDjlsNumberOverloadsThatAutogradMayKeep() throws IOException, URISyntaxException {
        Path classes = Path.of(Scalars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> calls = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    scan(new ClassReader(in), calls);
                }
            }
        }
        assertTrue(calls.isEmpty(), "use dev.graft.engine.Scalars instead of: " + String.join(", ", calls));
    }

    private static void scan(ClassReader reader, List<String> calls) {
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String desc, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    private int line;

                    @Override
                    public void visitLineNumber(int l, Label start) {
                        line = l;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                        if (ARRAY_TYPES.contains(owner) && FORBIDDEN.contains(name) && descriptor.startsWith("(Ljava/lang/Number;")) {
                            calls.add(reader.getClassName().replace('/', '.') + ":" + line + " " + name + "(Number)");
                        }
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES);
    }
}
