package org.ddim4j.edit;

import com.google.gson.Gson;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An attribute classifier as {@code ./ddim classifier train} writes it: a DL4J ComputationGraph zip and, beside it,
 * a JSON sidecar with its attribute names and image size ({@code CLS.zip} and {@code CLS.json}).
 *
 * @param size the classifier's image size in pixels
 */
public record ClassifierFile(ComputationGraph net, List<String> attributes, int size) {
    /** The sidecar of a classifier file: {@code CLS.json} beside {@code CLS.zip}. */
    public static Path sidecar(Path classifier) {
        return classifier.resolveSibling(classifier.getFileName().toString().replaceAll("\\.zip$", "") + ".json");
    }

    /** Reads a classifier and its sidecar; a missing or malformed one is an IllegalArgumentException naming it. */
    public static ClassifierFile load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("classifier not found: " + file.toAbsolutePath());
        }
        Path side = sidecar(file);
        if (!Files.isRegularFile(side)) {
            throw new IllegalArgumentException(file + ": its attribute list " + side + " is missing (written by ./ddim classifier train)");
        }
        return fromBytes(Files.readAllBytes(file), Files.readString(side), file.toString());
    }

    /** A classifier from the bytes of its zip and the text of its sidecar ({@code source} names them in errors). */
    @SuppressWarnings("unchecked")
    public static ClassifierFile fromBytes(byte[] zip, String sidecar, String source) {
        Map<String, Object> meta;
        try {
            meta = new Gson().fromJson(sidecar, Map.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": its sidecar is not JSON: " + e.getMessage(), e);
        }
        if (meta == null || !(meta.get("attributes") instanceof List<?>) || !(meta.get("size") instanceof Number)) {
            throw new IllegalArgumentException(source + ": its sidecar needs \"attributes\" (a list) and \"size\" (a number)");
        }
        ComputationGraph net;
        try {
            net = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": not a DL4J ComputationGraph zip: " + e.getMessage(), e);
        }
        return new ClassifierFile(net, (List<String>) meta.get("attributes"), ((Number) meta.get("size")).intValue());
    }
}
