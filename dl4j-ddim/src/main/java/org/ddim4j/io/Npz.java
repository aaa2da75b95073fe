package org.ddim4j.io;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** NumPy's {@code .npz}: a zip of {@code .npy} arrays, stored or deflated. */
public final class Npz {
    private Npz() {
    }

    /** All arrays by name (without the {@code .npy} suffix), in file order. */
    public static Map<String, INDArray> read(Path file) {
        return read(file, name -> true);
    }

    /** Reads one array, inflating only its entry; fails with the names present if it is missing. */
    public static INDArray readArray(Path file, String name) {
        INDArray a = read(file, name::equals).get(name);
        if (a == null) {
            throw new TensorFormatException(file + ": has no array '" + name + "' (it holds " + names(file) + ")");
        }
        return a;
    }

    /** The arrays' names, without reading any of them. */
    public static java.util.List<String> names(Path file) {
        java.util.List<String> out = new java.util.ArrayList<>();
        read(file, name -> {
            out.add(name);
            return false;
        });
        return out;
    }

    /** The arrays whose names {@code wanted} accepts (the others are not inflated). */
    private static Map<String, INDArray> read(Path file, java.util.function.Predicate<String> wanted) {
        if (!Files.isRegularFile(file)) {
            throw new TensorFormatException("npz file not found: " + file);
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                if (!wanted.test(name)) {
                    continue;
                }
                try (InputStream in = new java.io.BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                    out.put(name, Npy.read(in, file + ":" + e.getName()));
                } catch (TensorFormatException ex) {
                    throw ex;
                } catch (RuntimeException ex) {
                    // defence in depth: a malformation no check names is still this file's format error
                    throw new TensorFormatException(file + ":" + e.getName() + ": malformed npy ("
                            + ex.getClass().getSimpleName() + ")", ex);
                }
            }
        } catch (ZipException e) {
            throw new TensorFormatException(file + ": not a valid npz (zip) file: " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new TensorFormatException("npz file not found: " + file, e);
        } catch (IOException e) {
            throw new TensorFormatException(file + ": cannot read: " + e, e);
        }
        return out;
    }

    /** Writes the arrays as an uncompressed npz, atomically. */
    public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                Npy.write(bytes, e.getValue());
                Zips.putStored(zip, e.getKey() + ".npy", bytes.toByteArray());
            }
            zip.finish();
        });
    }
}
