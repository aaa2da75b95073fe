package org.ddim4j.train;

import org.ddim4j.unet.ParamKind;
import org.ddim4j.unet.ParamSpec;
import org.ddim4j.unet.Parameters;

/**
 * The exponential moving average of the weights used for every sample: ema = decay ema + (1 - decay) w
 * for trained tensors. BatchNorm running statistics are not trained; they are copied from the live network,
 * so the averaged network normalises with statistics that exist (averaging only the parameters, as many
 * EMA helpers do, would leave them at their initial values).
 */
public final class Ema {
    private Ema() {
    }

    public static void update(Parameters ema, Parameters live, double decay) {
        for (ParamSpec s : live.specs()) {
            var e = ema.get(s.name());
            var w = live.get(s.name());
            if (s.kind().trainable()) {
                e.muli(decay).addi(w.mul(1.0 - decay));
            } else if (s.kind() == ParamKind.RUNNING_STAT || s.kind() == ParamKind.COUNTER) {
                e.assign(w);
            }
        }
    }
}
