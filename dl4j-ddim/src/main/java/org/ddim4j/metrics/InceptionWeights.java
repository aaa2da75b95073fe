package org.ddim4j.metrics;

import org.ddim4j.io.Sha256;
import org.ddim4j.io.TorchCheckpoint;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * pytorch-fid's Inception weights ({@value #FILE_NAME}, the TensorFlow FID network ported to PyTorch): where they are
 * published, their SHA-256, and how they are found. The file is never bundled: a user gives it ({@code --inception
 * PATH}), or {@link #cachedOrDownload()} fetches it once from {@value #URL} into DL4J's resource cache. A file whose
 * hash differs is refused unless the caller asks for unchecked weights (its FIDs are then labelled not comparable).
 */
public final class InceptionWeights {
    public static final String FILE_NAME = "pt_inception-2015-12-05-6726825d.pth";
    public static final String URL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + FILE_NAME;
    /**
     * The published file's SHA-256 (its first 8 hex digits are the 6726825d in its name, torch.hub's check; the
     * whole digest as torch-fidelity, which republishes the same file, records it).
     */
    public static final String SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2";

    /**
     * @param stateDict  the tensors by torchvision's names
     * @param sha256     the file's SHA-256
     * @param comparable whether the hash is the published one
     */
    public record Loaded(Map<String, INDArray> stateDict, String sha256, boolean comparable) {
    }

    private InceptionWeights() {
    }

    /** Reads the weights; refuses a file whose SHA-256 is not the published one unless {@code unchecked}. */
    public static Loaded load(Path file, boolean unchecked) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Inception weights not found: " + file.toAbsolutePath() + "; " + offlineHint());
        }
        String sha = Sha256.hex(file);
        boolean published = sha.equals(SHA256);
        if (!published && !unchecked) {
            throw new IllegalArgumentException(file + ": SHA-256 " + sha + " is not that of pytorch-fid's " + FILE_NAME
                    + " (" + SHA256 + "); other weights give FIDs that do not compare with published ones"
                    + " (--inception-unchecked uses them anyway, labelled not comparable)");
        }
        return new Loaded(TorchCheckpoint.stateDict(file, null), sha, published);
    }

    /** The place in DL4J's resource cache ({@code ~/.deeplearning4j/models/...}) where the weights are kept. */
    public static Path cachePath() {
        return DL4JResources.getDirectory(ResourceType.ZOO_MODEL, "pytorch-fid-inception").toPath().resolve(FILE_NAME);
    }

    /** The cached file, downloaded from {@value #URL} first if it is not there (checked before it is kept). */
    public static Path cachedOrDownload() throws IOException {
        Path target = cachePath();
        return Files.isRegularFile(target) ? target : download(URI.create(URL), target);
    }

    /** Downloads the weights from {@code from} to {@code target}, keeping them only when their hash is the published one. */
    static Path download(URI from, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path part = Files.createTempFile(target.getParent(), FILE_NAME, ".part");
        try {
            var client = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            var request = java.net.http.HttpRequest.newBuilder(from).timeout(Duration.ofMinutes(10)).build();
            var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            try (InputStream in = response.body()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            String sha = Sha256.hex(part);
            if (!sha.equals(SHA256)) {
                throw new IOException("the download's SHA-256 is " + sha + ", expected " + SHA256);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalArgumentException("cannot download " + from + " (" + e + "); " + offlineHint(), e);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** What to do without network access. */
    public static String offlineHint() {
        return "offline, download " + FILE_NAME + " from " + URL + " on a machine with access, then give it with"
                + " --features inception=PATH or copy it to " + cachePath();
    }
}
