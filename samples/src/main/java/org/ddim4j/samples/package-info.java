/** The {@code ./ddim} launcher's main class and subcommands; the only place that prints to the console. */
package org.ddim4j.samples;
