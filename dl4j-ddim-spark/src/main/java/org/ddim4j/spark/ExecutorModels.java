package org.ddim4j.spark;

import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The models of one executor JVM: each running task gets a model of its own (compiled plans are not thread-safe)
 * from the {@link ExecutorPool}, built from the broadcast's bytes, which Spark fetches once per JVM.
 */
public final class ExecutorModels {
    private ExecutorModels() {
    }

    /** Runs {@code work} with a model of this broadcast that no other task uses meanwhile. */
    public static <T> T with(ModelBroadcast model, Function<DdimModel, T> work) {
        return ExecutorPool.with(key(model), () -> build(model), work);
    }

    /** How many models of this broadcast this JVM has built: at most its task slots. */
    public static int built(ModelBroadcast model) {
        return ExecutorPool.built(key(model));
    }

    private static String key(ModelBroadcast model) {
        return "model-" + model.id();
    }

    private static DdimModel build(ModelBroadcast model) {
        try {
            Path tmp = Files.createTempFile("ddim4j-model-", ".ddim");
            try {
                Files.write(tmp, model.bytes());
                return ModelFile.load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the broadcast model: " + e.getMessage(), e);
        }
    }
}
