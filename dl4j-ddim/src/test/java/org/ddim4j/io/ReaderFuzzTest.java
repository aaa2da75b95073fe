package org.ddim4j.io;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.ddim4j.Fixtures;
import org.ddim4j.config.ConfigException;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.model.CheckpointFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property-based fuzzing of the readers of files a user may get from anywhere: valid files (written by the project,
 * or the PyTorch-made fixtures) mutated by byte flips, extreme integers, truncation and insertion. Invariant: the
 * reader returns, or throws the project's exception for that format (TensorFormatException, ConfigException), within a
 * time bound; never another exception, an Error (out of memory, stack overflow) or a hang. jqwik.tries.default
 * (junit-platform.properties) sets the tries per reader; docs/HARDENING.md has a longer run.
 */
class ReaderFuzzTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz");
        t.setDaemon(true);
        return t;
    });
    private static Path dir;
    private static final Map<String, byte[]> SEEDS = new LinkedHashMap<>();

    @BeforeContainer
    static void seeds() throws IOException {
        dir = Files.createTempDirectory("ddim4j-fuzz");
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("a", Nd4j.linspace(1, 12, 12, DataType.FLOAT).reshape(3, 4));
        tensors.put("b", Nd4j.createFromArray(1L, 2L, 3L));
        Safetensors.write(dir.resolve("seed.safetensors"), tensors, Map.of("format", "pt"));
        SEEDS.put("safetensors", Files.readAllBytes(dir.resolve("seed.safetensors")));
        Npz.write(dir.resolve("seed.npz"), Map.of("z", Nd4j.rand(DataType.FLOAT, 2, 3), "t", Nd4j.createFromArray(4, 5)));
        SEEDS.put("npz", Files.readAllBytes(dir.resolve("seed.npz")));
        TorchZipWriter.write(dir.resolve("seed.pth"), "archive", Map.of("w", Nd4j.rand(DataType.FLOAT, 2, 2),
                "bias", Nd4j.rand(DataType.FLOAT, 2)));
        SEEDS.put("pth", Files.readAllBytes(dir.resolve("seed.pth")));
        SEEDS.put("config", Files.readAllBytes(Fixtures.parityFile("config.yml")));
        Path ckpt = dir.resolve("seed.ckpt");
        org.ddim4j.config.DdimConfig config = Fixtures.parityConfig();
        var net = org.ddim4j.unet.UNet.create(config.network().withHiddenChannels(8), config.data().shape(), 1);
        CheckpointFile.write(new org.ddim4j.model.Checkpoint(config.withNetwork(config.network().withHiddenChannels(8)), 3, 1,
                net.parameters(), net.parameters(), Map.of("m", Nd4j.zeros(DataType.FLOAT, 4)), 1.5), ckpt);
        SEEDS.put("checkpoint", Files.readAllBytes(ckpt));
    }

    /** A mutation of a seed file. */
    record Mutation(int kind, int at, long value, int length) {
        byte[] apply(byte[] seed) {
            byte[] b = seed.clone();
            int pos = Math.floorMod(at, Math.max(1, b.length));
            if (b.length == 0 || (kind == 1 && b.length < 4)) {
                return kind == 3 ? new Mutation(3, 0, value, length).insert(b, 0) : b;
            }
            switch (kind) {
                case 0 -> b[pos] ^= (byte) (1 << (value & 7));                                        // flip a bit
                case 1 -> {                                                                          // an extreme integer
                    long[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, 1L << 32, value};
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(Math.min(pos, Math.max(0, b.length - 4)), (int) extremes[(int) Math.floorMod(value, 7)]);
                }
                case 2 -> {                                                                          // truncate
                    return java.util.Arrays.copyOf(b, pos);
                }
                case 3 -> {                                                                          // insert bytes
                    return insert(b, pos);
                }
                default -> b[pos] = (byte) value;                                                    // overwrite a byte
            }
            return b;
        }

        private byte[] insert(byte[] b, int pos) {
            byte[] out = new byte[b.length + length];
            System.arraycopy(b, 0, out, 0, pos);
            for (int i = 0; i < length; i++) {
                out[pos + i] = (byte) (value >> (8 * (i % 8)));
            }
            System.arraycopy(b, pos, out, pos + length, b.length - pos);
            return out;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers(),
                Arbitraries.longs(), Arbitraries.integers().between(1, 16)).as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(6);
    }

    private static byte[] mutate(String seed, List<Mutation> mutations) {
        byte[] b = SEEDS.get(seed);
        for (Mutation m : mutations) {
            b = m.apply(b);
        }
        return b;
    }

    /** Runs {@code read} on the bytes written to a file; only {@code allowed} may be thrown, within {@link #LIMIT}. */
    private static void survives(String name, byte[] bytes, Class<? extends RuntimeException> allowed, Consumer<Path> read)
            throws Exception {
        Path f = Files.write(dir.resolve(name), bytes);
        Future<?> run = RUNNER.submit(() -> read.accept(f));
        try {
            run.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            fail(name + ": no answer within " + LIMIT + " (" + bytes.length + " bytes)");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (!allowed.isInstance(cause)) {
                throw new AssertionError(name + ": " + cause + " escaped the reader", cause);
            }
        }
    }

    @Property
    void safetensors(@ForAll("mutations") List<Mutation> mutations) throws Exception {
        survives("fuzz.safetensors", mutate("safetensors", mutations), TensorFormatException.class, Safetensors::read);
    }

    @Property
    void npz(@ForAll("mutations") List<Mutation> mutations) throws Exception {
        survives("fuzz.npz", mutate("npz", mutations), TensorFormatException.class, Npz::read);
    }

    @Property
    void pth(@ForAll("mutations") List<Mutation> mutations) throws Exception {
        survives("fuzz.pth", mutate("pth", mutations), TensorFormatException.class, TorchCheckpoint::read);
    }

    @Property
    void checkpoint(@ForAll("mutations") List<Mutation> mutations) throws Exception {
        survives("fuzz.ckpt", mutate("checkpoint", mutations), TensorFormatException.class, CheckpointFile::read);
    }

    @Property
    void config(@ForAll("mutations") List<Mutation> mutations) throws Exception {
        byte[] b = mutate("config", mutations);
        survives("fuzz.yml", b, ConfigException.class,
                f -> ConfigLoader.parse(new String(b, StandardCharsets.UTF_8), f.toString()));
    }
}
