package org.ddim4j.spark;

import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;

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
        return "model-" + model.key();
    }

    private static DdimModel build(ModelBroadcast model) {
        return LocalFiles.readBytes(model.bytes(), ".ddim", ModelFile::load);
    }
}
