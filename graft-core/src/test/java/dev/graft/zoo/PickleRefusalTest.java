package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PyTorch pickle checkpoint is refused with the way to safetensors, and is never opened as weights. */
class PickleRefusalTest {
    /** The first bytes torch.save writes since PyTorch 1.6 (a zip archive) and before (a protocol-2 pickle). */
    static final byte[] ZIP = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0};
    static final byte[] LEGACY = {(byte) 0x80, 2, 'c', 'c', 'o', 'l', 'l', 'e', 'c', 't'};

    @Test
    void aFolderWithOnlyPytorchModelBinIsRefusedWithTheConversion(@TempDir Path tmp) throws IOException {
        Path dir = TimmFolder.write(tmp.resolve("cnn"), "small_cnn", 10, 1, 28, 1);
        Files.delete(dir.resolve(ResolvedWeights.WEIGHTS_FILE));
        Files.write(dir.resolve(ResolvedWeights.PICKLE_FILE), ZIP);
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create("local-dir:" + dir));
        assertTrue(e.getMessage().contains("pytorch_model.bin is a PyTorch pickle checkpoint, which Graft never loads"), e.getMessage());
        assertTrue(e.fix().contains("save_file(torch.load('pytorch_model.bin', weights_only=True), 'model.safetensors')"), e.fix());
    }

    @Test
    void aPickleGivenAsFileIsRefusedBeforeItIsRead(@TempDir Path tmp) throws IOException {
        for (byte[] head : new byte[][] {ZIP, LEGACY}) {
            Path f = Files.write(tmp.resolve("weights.pt"), head);
            GraftException e = assertThrows(GraftException.class, () -> Zoo.create("small_cnn", CreateOptions.defaults().withSource("file:" + f)));
            assertTrue(e.getMessage().contains("pickle"), e.getMessage());
        }
    }

    @Test
    void safetensorsIsNeverTakenForAPickleWhateverItsHeaderLength(@TempDir Path tmp) throws IOException {
        // a header of 0x4b50 = 19280 or 0x0280 bytes starts with "PK" or 0x80 0x02; the '{' at byte 8 tells them apart
        for (int len : new int[] {0x4b50, 0x0280}) {
            byte[] b = new byte[9];
            b[0] = (byte) len;
            b[1] = (byte) (len >> 8);
            b[8] = '{';
            assertFalse(ResolvedWeights.isPickle(Files.write(tmp.resolve("w" + len + ".safetensors"), b)));
        }
        Path real = tmp.resolve("real.safetensors");
        Weights.saveStateDict(Zoo.create("small_cnn"), real);
        assertFalse(ResolvedWeights.isPickle(real));
        assertEquals(true, ResolvedWeights.isPickle(Files.write(tmp.resolve("p.bin"), ZIP)));
    }
}
