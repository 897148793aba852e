package dev.aside.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.function.ToLongFunction;

/** Writes the comparison as one self-contained HTML file, with Chart.js (from its WebJar) inlined. */
final class HtmlReport {

    private static final String WEBJAR = "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.js";
    private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final String TEMPLATE = "dev/aside/demo/report-template.html";

    private HtmlReport() {
    }

    /** Writes the report of the runs to {@code file}. */
    static void write(Path file, List<RunReport> runs, String settings) throws IOException {
        String template = resource(TEMPLATE);
        String html = template
                .replace("{{contenders}}", contenders(runs))
                .replace("{{conclusion}}", escape(Conclusion.of(runs)))
                .replace("{{settings}}", escape(settings))
                .replace("{{table}}", table(runs))
                .replace("{{failures}}", failures(runs))
                .replace("/*{{chartjs}}*/", chartJs())
                .replace("/*{{data}}*/null", json(data(runs)));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html, StandardCharsets.UTF_8);
    }

    private static String table(List<RunReport> runs) {
        StringBuilder out = new StringBuilder("<table><thead><tr><th></th>");
        runs.forEach(run -> out.append("<th>").append(escape(run.name())).append("</th>"));
        out.append("</tr></thead><tbody>");
        for (ReportTable.Row row : ReportTable.ROWS) {
            out.append("<tr><th>").append(escape(row.label())).append("</th>");
            runs.forEach(run -> out.append("<td>").append(escape(row.value().apply(run))).append("</td>"));
            out.append("</tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    private static String contenders(List<RunReport> runs) {
        StringBuilder out = new StringBuilder("<dl class=\"contenders\">");
        runs.forEach(run -> out.append("<dt>").append(escape(run.name())).append("</dt><dd>")
                .append(escape(run.description())).append("</dd>"));
        return out.append("</dl>").toString();
    }

    private static String failures(List<RunReport> runs) {
        StringBuilder out = new StringBuilder();
        for (RunReport run : runs) {
            if (run.failedRequests() == 0) {
                continue;
            }
            out.append("<h3>").append(escape(run.name())).append(": ")
                    .append(escape("failed: " + ReportTable.failureCounts(run)))
                    .append("</h3><ul>");
            run.failureReasons().forEach((reason, count) -> out.append("<li><code>")
                    .append(escape(ReportTable.count(count))).append(" × ").append(escape(reason))
                    .append("</code></li>"));
            out.append("</ul>");
        }
        return out.length() == 0 ? "<p>None.</p>" : out.toString();
    }

    /** What the charts draw, per run: the charted samples as rates, stalled stretches, the phases' loads. */
    static List<Map<String, Object>> data(List<RunReport> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunReport run : runs) {
            Timeline timeline = run.timeline();
            List<RunMetrics.Second> charted = timeline.charted();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", run.name());
            entry.put("from", charted.stream().map(second -> round(second.startSeconds(), 3)).toList());
            entry.put("to", charted.stream().map(second -> round(second.endSeconds(), 3)).toList());
            entry.put("dbQueries", rates(charted, RunMetrics.Second::dbQueries));
            entry.put("failures", rates(charted, RunMetrics.Second::failures));
            entry.put("served", rates(charted, second -> second.requests() - second.failures()));
            /* a stalled second has no p99 (nothing completed): a gap in the line, marked "stalled" by the chart */
            entry.put("p99", charted.stream().map(second -> second.stalled() ? null : second.p99Millis()).toList());
            entry.put("stalled", timeline.stalledSpans().stream()
                    .map(span -> List.of(round(span.from(), 2), round(span.to(), 2))).toList());
            RunReport.Latency latency = run.latency();
            entry.put("percentiles", List.of(latency.p50(), latency.p90(), latency.p99(), latency.p999(),
                    latency.max()));
            List<Object> phases = new ArrayList<>();
            List<Long> phasesStalled = new ArrayList<>();
            for (Timeline.Phase phase : Timeline.Phase.values()) {
                OptionalDouble rate = timeline.dbQueriesPerSecond(phase);
                phases.add(rate.isPresent() ? round(rate.getAsDouble(), 0) : null);
                phasesStalled.add(timeline.stalledSeconds(phase));
            }
            entry.put("phases", phases);
            entry.put("phasesStalled", phasesStalled);
            entry.put("outage", timeline.outage()
                    .map(span -> List.of(round(span.from(), 2), round(span.to(), 2))).orElse(null));
            entry.put("events", timeline.events());
            out.add(entry);
        }
        return out;
    }

    private static List<Double> rates(List<RunMetrics.Second> seconds, ToLongFunction<RunMetrics.Second> count) {
        return seconds.stream().map(second -> round(second.perSecond(count.applyAsLong(second)), 1)).toList();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    private static String chartJs() throws IOException {
        Properties pom = new Properties();
        try (InputStream in = resourceStream(WEBJAR_POM)) {
            pom.load(in);
        }
        return resource(String.format(WEBJAR, pom.getProperty("version"))).replace("</script", "<\\/script");
    }

    static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the report data", e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = resourceStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InputStream resourceStream(String name) throws IOException {
        InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("Resource " + name + " is not on the class path");
        }
        return in;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
