/**
 * Configuration: immutable, validated records that read the seed repository's YAML files unchanged
 * ({@code data}, {@code network}, {@code diffusion}, {@code training}, {@code optimizer},
 * {@code evaluation}). {@link org.ddim4j.config.ConfigLoader} is the one entry point for files;
 * {@link org.ddim4j.config.Defaults} is the one source of default values.
 */
package org.ddim4j.config;
