package org.ddim4j.sweep;

import org.ddim4j.config.ConfigException;
import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.yaml.snakeyaml.Yaml;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sets fields of a config by dotted YAML path ({@code network.num_groups}, {@code optimizer.learning_rate}),
 * through the config's YAML form so that every value is validated exactly as in a config file.
 */
public final class ConfigOverrides {
    private ConfigOverrides() {
    }

    @SuppressWarnings("unchecked")
    public static DdimConfig apply(DdimConfig base, Map<String, Object> overrides) {
        Map<String, Object> root = new Yaml().load(ConfigLoader.toYaml(base));
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            String[] path = e.getKey().split("\\.");
            if (path.length != 2) {
                throw new ConfigException("sweep key '" + e.getKey() + "' must be SECTION.KEY (e.g. network.num_groups)");
            }
            Object section = root.get(path[0]);
            if (!(section instanceof Map<?, ?>)) {
                throw new ConfigException("sweep key '" + e.getKey() + "': the config has no section '" + path[0]
                        + "' (sections: " + root.keySet() + ")");
            }
            ((Map<String, Object>) section).put(path[1], e.getValue());
        }
        return ConfigLoader.parse(new Yaml().dump(root), "sweep candidate " + new LinkedHashMap<>(overrides));
    }
}
