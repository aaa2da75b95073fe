package org.ddim4j.data.lsun;

import org.ddim4j.data.DatasetFiles;
import org.ddim4j.data.ImageDecoding;
import org.ddim4j.data.ImageSplit;
import org.ddim4j.data.Split;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LSUN Churches (outdoor; 126,227 training and 300 validation images) as LSUN's download unpacks:
 * {@code church_outdoor_train_lmdb/} and {@code church_outdoor_val_lmdb/}, LMDB databases whose keys are
 * 40-character hex ids and whose values are the images' WebP (or JPEG) bytes. Only the keys are read up
 * front; the databases are opened read-only without a lock file, so read-only copies work. No test split,
 * no labels.
 */
public final class ChurchDataset implements ImageSplit {
    public static final String URL = "https://github.com/fyu/lsun (download.py -c church_outdoor)";
    private final Split split;
    private final Path folder;
    private final Env<byte[]> env;
    private final Dbi<byte[]> db;
    private final List<byte[]> keys;

    private ChurchDataset(Split split, Path folder, Env<byte[]> env, Dbi<byte[]> db, List<byte[]> keys) {
        this.split = split;
        this.folder = folder;
        this.env = env;
        this.db = db;
        this.keys = keys;
    }

    public static ChurchDataset open(Path root, Split split) {
        String name = switch (split) {
            case TRAIN -> "church_outdoor_train_lmdb";
            case VALID -> "church_outdoor_val_lmdb";
            case TEST -> throw new IllegalArgumentException("church: LSUN has no public test labels or split here; use train or valid");
        };
        Path folder = DatasetFiles.require(root.resolve(name), "church", URL);
        Path data = DatasetFiles.require(folder.resolve("data.mdb"), "church", URL);
        Env<byte[]> env;
        try {
            env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(Math.max(1 << 20, Files.size(data))).setMaxReaders(512)
                    .open(folder.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("church: " + folder + " is not a readable LMDB database (" + e.getMessage() + ")", e);
        }
        Dbi<byte[]> db = env.openDbi((byte[]) null);
        List<byte[]> keys = new ArrayList<>();
        try (Txn<byte[]> txn = env.txnRead(); CursorIterable<byte[]> it = db.iterate(txn)) {
            for (CursorIterable.KeyVal<byte[]> kv : it) {
                keys.add(kv.key().clone());
            }
        }
        return new ChurchDataset(split, folder, env, db, keys);
    }

    @Override
    public String dataset() {
        return "church";
    }

    @Override
    public Split split() {
        return split;
    }

    @Override
    public int size() {
        return keys.size();
    }

    @Override
    public BufferedImage image(int index) throws IOException {
        byte[] value;
        try (Txn<byte[]> txn = env.txnRead()) {
            value = db.get(txn, keys.get(index));
            value = value == null ? null : value.clone();
        }
        if (value == null) {
            throw new IOException(source(index) + ": key vanished from the database");
        }
        return ImageDecoding.decode(value, source(index));
    }

    @Override
    public String source(int index) {
        return folder + "[" + new String(keys.get(index), StandardCharsets.ISO_8859_1) + "]";
    }

    @Override
    public void close() {
        env.close();
    }
}
