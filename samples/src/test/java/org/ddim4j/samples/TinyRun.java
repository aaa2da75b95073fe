package org.ddim4j.samples;

import org.ddim4j.data.emoji.EmojiDatasetTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny training setup for launcher tests: an 8x8 emoji config and a fake emoji package. */
final class TinyRun {
    private TinyRun() {
    }

    /** A config file of a 8x8 U-Net on the emoji set. */
    static Path config(Path dir, int iterations, int logFrequency, int saveFrequency) throws IOException {
        Path file = dir.resolve("tiny.yml");
        Files.writeString(file, """
                data:
                    dataset: "emoji"
                    shape: [3, 8, 8]
                network:
                    hidden_channels: 8
                    num_blocks: 1
                    channel_mults: [1, 2]
                    attention_sizes: [4,]
                    embed_channels: 16
                    dropout: 0.1
                    num_groups: 4
                diffusion:
                    num_t: 100
                    num_t_steps: 2
                training:
                    batch_size: 4
                    log_batch_size: 4
                    num_i: %d
                    log_frequency: %d
                    save_frequency: %d
                """.formatted(iterations, logFrequency, saveFrequency));
        return file;
    }

    /** A folder holding the fake emoji package, which the reader unpacks on first use. */
    static Path fakeEmoji(Path dir) throws IOException {
        Path root = dir.resolve("emoji");
        Files.createDirectories(root);
        EmojiDatasetTest.writeFakePackage(root.resolve("emoji-datasource-google-16.0.0.tgz"));
        return root;
    }
}
