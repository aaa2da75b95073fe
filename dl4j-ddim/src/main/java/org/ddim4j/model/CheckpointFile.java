package org.ddim4j.model;

import org.ddim4j.random.Seeds;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.ddim4j.config.ConfigException;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Sha256;
import org.ddim4j.io.Zips;
import org.ddim4j.io.Safetensors;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.model.Versions;
import org.ddim4j.unet.Parameters;
import org.ddim4j.unet.UNetArchitecture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The checkpoint file: a zip of {@code manifest.json} (format, version, seed, iteration, library versions,
 * time, and the SHA-256 of every other entry), {@code config.yml}, {@code weights.safetensors},
 * {@code ema.safetensors}, {@code optimizer.safetensors} and {@code state.json}. Written to a temporary file
 * and renamed, so a crash at any moment leaves the previous checkpoint whole. A truncated, damaged or foreign
 * file is refused with the reason.
 */
public final class CheckpointFile {
    public static final String FORMAT = "ddim4j-checkpoint";
    public static final int VERSION = 1;

    private CheckpointFile() {
    }

    public static void write(Checkpoint c, Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("config.yml", ConfigLoader.toYaml(c.config()).getBytes(StandardCharsets.UTF_8));
        entries.put("weights.safetensors", Safetensors.toBytes(c.weights().toStateDict(), Map.of()));
        entries.put("ema.safetensors", Safetensors.toBytes(c.ema().toStateDict(), Map.of()));
        entries.put("optimizer.safetensors", Safetensors.toBytes(c.optimizerState(), Map.of()));
        JsonObject state = new JsonObject();
        state.addProperty("iteration", c.iteration());
        state.addProperty("seed", c.seed());
        state.addProperty("elapsed_seconds", c.elapsedSeconds());
        state.addProperty("rng", "every draw of iteration i comes from Seeds.mix(seed, i)");
        entries.put("state.json", new Gson().toJson(state).getBytes(StandardCharsets.UTF_8));

        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        manifest.addProperty("version", VERSION);
        manifest.addProperty("created", Instant.now().toString());
        manifest.addProperty("iteration", c.iteration());
        manifest.addProperty("seed", c.seed());
        manifest.addProperty("ddim4j", Versions.ddim4j());
        manifest.addProperty("deeplearning4j", Versions.dl4j());
        JsonObject sums = new JsonObject();
        entries.forEach((name, bytes) -> sums.addProperty(name, Sha256.hex(bytes)));
        manifest.add("sha256", sums);

        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            Zips.put(zip, "manifest.json", new Gson().toJson(manifest).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                Zips.put(zip, e.getKey(), e.getValue());
            }
            zip.finish();
        });
    }

    public static Checkpoint read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TensorFormatException("checkpoint not found: " + file.toAbsolutePath());
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            JsonObject manifest = JsonParser.parseString(new String(Zips.read(zip, file, "manifest.json", "a ddim4j checkpoint"),
                    StandardCharsets.UTF_8)).getAsJsonObject();
            if (!manifest.has("format") || !FORMAT.equals(manifest.get("format").getAsString())) {
                throw new TensorFormatException(file + ": not a ddim4j checkpoint (manifest format "
                        + manifest.get("format") + ", expected " + FORMAT + ")");
            }
            if (manifest.get("version").getAsInt() > VERSION) {
                throw new TensorFormatException(file + ": checkpoint version " + manifest.get("version")
                        + " is newer than this ddim4j reads (" + VERSION + ")");
            }
            JsonObject sums = manifest.getAsJsonObject("sha256");
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (String name : new String[]{"config.yml", "weights.safetensors", "ema.safetensors",
                    "optimizer.safetensors", "state.json"}) {
                byte[] bytes = Zips.read(zip, file, name, "a ddim4j checkpoint");
                if (sums == null || !sums.has(name) || !sums.get(name).getAsString().equals(Sha256.hex(bytes))) {
                    throw new TensorFormatException(file + ": entry " + name + " is damaged (checksum mismatch)");
                }
                entries.put(name, bytes);
            }
            DdimConfig config = ConfigLoader.parse(new String(entries.get("config.yml"), StandardCharsets.UTF_8),
                    file + "!/config.yml");
            JsonObject state = JsonParser.parseString(new String(entries.get("state.json"), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            UNetArchitecture arch = UNetArchitecture.of(config);
            Parameters weights = Parameters.fromStateDict(arch,
                    Safetensors.read(entries.get("weights.safetensors"), file + "!/weights.safetensors").tensors(),
                    file + "!/weights.safetensors");
            Parameters ema = Parameters.fromStateDict(arch,
                    Safetensors.read(entries.get("ema.safetensors"), file + "!/ema.safetensors").tensors(),
                    file + "!/ema.safetensors");
            var optimizer = Safetensors.read(entries.get("optimizer.safetensors"), file + "!/optimizer.safetensors").tensors();
            return new Checkpoint(config, state.get("iteration").getAsLong(), state.get("seed").getAsLong(), weights, ema,
                    optimizer, state.get("elapsed_seconds").getAsDouble());
        } catch (ZipException e) {
            throw new TensorFormatException(file + ": not a ddim4j checkpoint, or truncated (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read checkpoint: " + e, e);
        } catch (JsonParseException | IllegalStateException | NullPointerException | ConfigException e) {
            throw new TensorFormatException(file + ": damaged checkpoint: " + e.getMessage(), e);
        }
    }

    /** True if the file looks like a checkpoint (a zip with a checkpoint manifest). */
    public static boolean isCheckpoint(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("manifest.json");
            if (e == null) {
                return false;
            }
            return new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8).contains(FORMAT);
        } catch (IOException e) {
            return false;
        }
    }
}
