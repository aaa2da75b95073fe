package org.ddim4j.samples;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.WeightsLoader;

import java.nio.file.Path;

/** What several commands share: loading the model that --config and --weights describe. */
final class Launch {
    private Launch() {
    }

    static DdimModel model(Args args) {
        DdimConfig config = args.has("config") ? ConfigLoader.loadPathOrPreset(args.required("config")) : null;
        Path weights = args.path("weights");
        return WeightsLoader.load(weights, config);
    }
}
