package org.ddim4j.model;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.ddim4j.config.ConfigException;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.io.AtomicFiles;
import org.ddim4j.io.Zips;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.unet.ParamSpec;
import org.ddim4j.unet.Parameters;
import org.ddim4j.unet.UNet;
import org.ddim4j.unet.UNetArchitecture;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The project's own model file ({@code .ddim}): a zip holding {@code manifest.json} (format, versions,
 * time), {@code config.yml} (the seed's layout) and {@code unet.sdz}, the SameDiff evaluation graph with every
 * weight ({@code SameDiff.save}), which plain SameDiff can also load ({@code SameDiff.load}). Written
 * atomically.
 */
public final class ModelFile {
    public static final String FORMAT = "ddim4j-model";
    public static final int VERSION = 1;
    private static final String MANIFEST = "manifest.json";
    private static final String CONFIG = "config.yml";
    private static final String GRAPH = "unet.sdz";

    private ModelFile() {
    }

    public static void save(DdimModel model, Path file) throws IOException {
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        manifest.addProperty("version", VERSION);
        manifest.addProperty("created", Instant.now().toString());
        manifest.addProperty("ddim4j", Versions.ddim4j());
        manifest.addProperty("deeplearning4j", Versions.dl4j());
        manifest.addProperty("parameters", model.network().parameters().trainableCount());
        // the graph in memory (SameDiff's own stream form), so that nothing is left in the system's temporary folder
        // when the process is killed: the only temporary file is AtomicFiles', beside the target
        java.io.ByteArrayOutputStream graph = new java.io.ByteArrayOutputStream();
        model.network().evalGraph().save(graph, false);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            Zips.put(zip, MANIFEST, new Gson().toJson(manifest).getBytes(StandardCharsets.UTF_8));
            Zips.put(zip, CONFIG, ConfigLoader.toYaml(model.config()).getBytes(StandardCharsets.UTF_8));
            Zips.put(zip, GRAPH, graph.toByteArray());
            zip.finish();
        });
    }


    /** True if the file is a zip whose manifest says it is a ddim4j model. */
    public static boolean isModelFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(MANIFEST) != null && zip.getEntry(GRAPH) != null;
        } catch (IOException e) {
            return false;
        }
    }

    public static DdimModel load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TensorFormatException("model file not found: " + file);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            JsonObject manifest = JsonParser.parseString(new String(Zips.read(zip, file, MANIFEST, "a ddim4j model file"), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            if (!manifest.has("format") || !FORMAT.equals(manifest.get("format").getAsString())) {
                throw new TensorFormatException(file + ": not a ddim4j model file (manifest format is "
                        + manifest.get("format") + ", expected " + FORMAT + ")");
            }
            int version = manifest.get("version").getAsInt();
            if (version > VERSION) {
                throw new TensorFormatException(file + ": model file version " + version
                        + " is newer than this ddim4j reads (" + VERSION + ")");
            }
            DdimConfig config = ConfigLoader.parse(new String(Zips.read(zip, file, CONFIG, "a ddim4j model file"), StandardCharsets.UTF_8),
                    file + "!/" + CONFIG);
            SameDiff sd;
            try (InputStream in = new java.io.ByteArrayInputStream(Zips.read(zip, file, GRAPH, "a ddim4j model file"))) {
                sd = SameDiff.load(in, false);
            } catch (RuntimeException e) {
                throw new TensorFormatException(file + ": the SameDiff graph inside is damaged: " + e.getMessage(), e);
            }
            UNetArchitecture arch = UNetArchitecture.of(config);
            Map<String, INDArray> arrays = new LinkedHashMap<>();
            for (ParamSpec s : arch.params()) {
                if (sd.hasVariable(s.name()) && sd.getArrForVarName(s.name()) != null) {
                    arrays.put(s.name(), sd.getArrForVarName(s.name()));
                }
            }
            Parameters params = Parameters.fromSameDiffLayout(arch, arrays, file.toString());
            return new DdimModel(config, new UNet(arch, params));
        } catch (ZipException e) {
            throw new TensorFormatException(file + ": not a ddim4j model file (not a zip archive, or truncated): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e, e);
        } catch (ConfigException | IllegalStateException | com.google.gson.JsonParseException e) {
            throw new TensorFormatException(file + ": damaged model file: " + e.getMessage(), e);
        }
    }

}
