package org.ddim4j.unet;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The timestep embedding: a sinusoid of width {@code dim} (half = dim / 2, freq_k = exp(-k ln(10000) / (half - 1)),
 * [sin(t f), cos(t f)]), then Linear(dim, embed), swish, Linear(embed, embed). PyTorch names
 * {@code time_embed.dense.0} and {@code time_embed.dense.1}.
 */
public record TimeEmbedding(int dim, int embed) {
    static final String FIRST = "time_embed.dense.0";
    static final String SECOND = "time_embed.dense.1";

    void declare(List<ParamSpec> out) {
        Layers.declareLinear(out, FIRST, embed, dim);
        Layers.declareLinear(out, SECOND, embed, embed);
    }

    /** The frequencies, computed in float32 as the seed does. */
    static float[] frequencies(int dim) {
        int half = dim / 2;
        float scale = (float) (Math.log(10000) / (half - 1));
        float[] f = new float[half];
        for (int k = 0; k < half; k++) {
            f[k] = (float) Math.exp((float) k * -scale);
        }
        return f;
    }

    /** The sinusoid of t [B]: [B, dim]. */
    SDVariable sinusoid(GraphContext ctx, SDVariable t) {
        float[] f = frequencies(dim);
        SDVariable freqs = ctx.sd().constant("time_embed.frequencies",
                Nd4j.createFromArray(f).reshape(1, f.length).castTo(DataType.FLOAT));
        SDVariable args = t.reshape(-1, 1).mul(freqs);
        return ctx.sd().concat("time_embed.sinusoid", 1, ctx.sd().math().sin(args), ctx.sd().math().cos(args));
    }

    /** The embedding of t [B]: [B, embed]. */
    SDVariable apply(GraphContext ctx, SDVariable t) {
        SDVariable h = Layers.linear(ctx, FIRST, sinusoid(ctx, t));
        return ctx.sd().identity("time_embed.out", Layers.linear(ctx, SECOND, Layers.swish(ctx, h)));
    }
}
