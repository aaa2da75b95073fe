/**
 * Configuration: immutable, validated records that read the seed repository's YAML files unchanged
 * ({@code data}, {@code network}, {@code diffusion}, {@code training}, {@code optimizer}, {@code evaluation}), with
 * closed choices as enums ({@link org.ddim4j.config.Dataset}, {@link org.ddim4j.config.Criterion},
 * {@link org.ddim4j.config.OptimizerName}, and the schedule's {@code BetaSchedule} and {@code TimestepSpacing}) spelt
 * in YAML by {@link org.ddim4j.config.Choices}; the shipped {@link org.ddim4j.config.Preset}s.
 * {@link org.ddim4j.config.ConfigLoader} is the one entry point for files; {@link org.ddim4j.config.Defaults} the
 * one source of default values. May use {@code schedule} (the enums and the schedule a config defines) only.
 */
package org.ddim4j.config;
