/**
 * Models as users hold them: {@link org.ddim4j.model.DdimModel} (config plus network), the project's own
 * model file, and loading from safetensors.
 */
package org.ddim4j.model;
