package org.ddim4j.sweep;

import com.google.gson.GsonBuilder;
import org.ddim4j.image.Images;
import org.ddim4j.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's summary, rewritten after every candidate: {@code results.csv}, {@code results.json} and
 * {@code report.html} with the ranked table (best first; failed candidates last, with their error) and the
 * plots {@code score-by-KEY.png} and {@code loss-curves.png}.
 */
final class SweepResults {
    private SweepResults() {
    }

    static List<CandidateRecord> ranked(List<CandidateRecord> records, SweepSpec.Score score) {
        List<CandidateRecord> out = new ArrayList<>(records);
        Comparator<CandidateRecord> byScore = Comparator.comparingDouble(r -> r.scores().get(score));
        if (!score.minimize()) {
            byScore = byScore.reversed();
        }
        Comparator<CandidateRecord> cmp = Comparator.comparing((CandidateRecord r) -> !r.complete());
        Comparator<CandidateRecord> finalByScore = byScore;
        out.sort(cmp.thenComparing((a, b) -> a.complete() && b.complete() ? finalByScore.compare(a, b)
                : Integer.compare(a.index(), b.index())));
        return out;
    }

    static synchronized void write(Path dir, SweepSpec spec, List<String> keys, List<CandidateRecord> records,
                                   double elapsedSeconds) throws IOException {
        List<CandidateRecord> ranked = ranked(records, spec.score());
        StringBuilder csv = new StringBuilder("rank,candidate,status");
        keys.forEach(k -> csv.append(',').append(k));
        csv.append(",validation_loss,inversion_psnr,sampling_seconds,kid,kid_std,fid,iterations,training_loss,seconds,error\n");
        int rank = 0;
        for (CandidateRecord r : ranked) {
            rank++;
            csv.append(r.complete() ? Integer.toString(rank) : "").append(',').append(r.index()).append(',').append(r.status());
            for (String k : keys) {
                csv.append(',').append(csvField(String.valueOf(r.overrides().get(k))));
            }
            CandidateScores s = r.scores();
            csv.append(s == null ? ",,,,,,,," : String.format(Locale.ROOT, ",%.6g,%.4f,%.4f,%s,%s,%s,%d,%.6g", s.validationLoss(),
                    s.inversionPsnr(), s.samplingSeconds(), orEmpty(s.kid()), orEmpty(s.kidStd()), orEmpty(s.fid()),
                    s.iterations(), s.trainingLoss()));
            csv.append(String.format(Locale.ROOT, ",%.1f,", r.seconds()));
            csv.append(r.error() == null ? "" : csvField(r.error().lines().findFirst().orElse("")));
            csv.append('\n');
        }
        AtomicFiles.writeString(dir.resolve("results.csv"), csv.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("score", spec.score().name().toLowerCase(Locale.ROOT));
        json.put("minimize", spec.score().minimize());
        json.put("search", spec.search().name().toLowerCase(Locale.ROOT));
        json.put("elapsed_seconds", elapsedSeconds);
        json.put("candidates", ranked);
        AtomicFiles.writeString(dir.resolve("results.json"), new GsonBuilder().setPrettyPrinting()
                .serializeSpecialFloatingPointValues().create().toJson(json));
        String scoreName = spec.score().name().toLowerCase(Locale.ROOT);
        for (String k : keys) {
            Images.writePng(SweepCharts.scorePerValue(k, scoreName, records, spec.score()), dir.resolve("score-by-" + k + ".png"));
        }
        Images.writePng(SweepCharts.lossCurves(dir, records), dir.resolve("loss-curves.png"));
        AtomicFiles.writeString(dir.resolve("report.html"), html(spec, keys, ranked, elapsedSeconds));
    }

    private static String html(SweepSpec spec, List<String> keys, List<CandidateRecord> ranked, double elapsed) {
        StringBuilder rows = new StringBuilder();
        int rank = 0;
        for (CandidateRecord r : ranked) {
            rank++;
            rows.append("<tr").append(r.complete() ? "" : " class=\"failed\"").append("><td>")
                    .append(r.complete() ? rank : "-").append("</td><td>").append(r.index()).append("</td>");
            for (String k : keys) {
                rows.append("<td>").append(escape(String.valueOf(r.overrides().get(k)))).append("</td>");
            }
            CandidateScores s = r.scores();
            if (s != null) {
                rows.append(String.format(Locale.ROOT, "<td>%.5f</td><td>%.2f</td><td>%.2f</td><td>%s</td><td>%s</td><td>%d</td>",
                        s.validationLoss(), s.inversionPsnr(), s.samplingSeconds(),
                        s.kid() == null ? "-" : String.format(Locale.ROOT, "%.3f (%.3f)", 1000 * s.kid(), 1000 * s.kidStd()),
                        s.fid() == null ? "-" : String.format(Locale.ROOT, "%.3f", s.fid()), s.iterations()));
            } else {
                rows.append("<td colspan=\"6\">failed: ").append(escape(r.error().lines().findFirst().orElse(""))).append("</td>");
            }
            rows.append(String.format(Locale.ROOT, "<td>%.0f</td></tr>%n", r.seconds()));
        }
        StringBuilder head = new StringBuilder("<tr><th>rank</th><th>#</th>");
        keys.forEach(k -> head.append("<th>").append(escape(k)).append("</th>"));
        head.append("<th>validation loss</th><th>inversion PSNR (dB)</th><th>sampling (s)</th><th>KID x1000 (std)</th><th>FID</th><th>iterations</th><th>seconds</th></tr>");
        StringBuilder plots = new StringBuilder();
        keys.forEach(k -> plots.append("<img src=\"score-by-").append(escape(k)).append(".png\" alt=\"").append(escape(k)).append("\">"));
        return """
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>ddim4j sweep</title><style>
                body{font-family:sans-serif;max-width:1100px;margin:2em auto}td,th{padding:3px 10px;text-align:right}
                tr.failed{color:#a00}table{border-collapse:collapse}tr:nth-child(even){background:#f4f4f4}</style></head>
                <body><h1>Sweep: %s search, ranked by %s (%s is better)</h1><p>%d candidates, %.1f minutes.</p>
                <table>%s%s</table><h2>Score per value</h2>%s<h2>Loss curves</h2><img src="loss-curves.png" alt="loss curves">
                </body></html>
                """.formatted(spec.search().name().toLowerCase(Locale.ROOT), spec.score().name().toLowerCase(Locale.ROOT),
                spec.score().minimize() ? "lower" : "higher", ranked.size(), elapsed / 60, head, rows, plots);
    }

    /** One CSV field (RFC 4180): quoted, its quotes doubled, when it holds a comma or a quote ("[16, 8]"). */
    static String csvField(String s) {
        return s.indexOf(',') < 0 && s.indexOf('"') < 0 ? s : '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String orEmpty(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
