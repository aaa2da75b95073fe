package org.ddim4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;

import java.io.Serializable;

/**
 * A model shipped to the executors: the bytes of its ddim4j model file (config and weights) as a Spark broadcast,
 * so executors need no shared filesystem for it; Spark fetches a broadcast once per executor JVM.
 */
public final class ModelBroadcast implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> bytes;
    private final String key;

    private ModelBroadcast(Broadcast<byte[]> bytes) {
        this.bytes = bytes;
        this.key = java.util.UUID.randomUUID() + "-" + bytes.id();
    }

    /** Broadcasts {@code model} as the bytes of its model file. */
    public static ModelBroadcast of(JavaSparkContext sc, DdimModel model) {
        return new ModelBroadcast(sc.broadcast(LocalFiles.bytesOf(".ddim", file -> ModelFile.save(model, file))));
    }

    /**
     * One name per model shipped, unique in every JVM: Spark's broadcast ids start again at 0 in each context, and a
     * JVM that outlives a context (a driver in local mode, a test) must not take a new model for an old one's.
     */
    String key() {
        return key;
    }

    /** The model file's bytes (on an executor: fetched once per JVM by Spark). */
    byte[] bytes() {
        return bytes.value();
    }

    /** Frees the broadcast's copies on the executors. */
    public void destroy() {
        bytes.destroy();
    }
}
