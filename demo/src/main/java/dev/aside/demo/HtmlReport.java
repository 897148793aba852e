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
import java.util.Properties;

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

    private static String failures(List<RunReport> runs) {
        StringBuilder out = new StringBuilder();
        for (RunReport run : runs) {
            if (run.failedRequests() == 0) {
                continue;
            }
            out.append("<h3>").append(escape(run.name())).append(": ")
                    .append(escape(String.format("%,d reads, %,d updates failed, %,d never started",
                            run.failedReads(), run.failedUpdates(), run.unserved())))
                    .append("</h3><ul>");
            run.failureReasons().forEach((reason, count) -> out.append("<li><code>")
                    .append(escape(ReportTable.count(count))).append(" × ").append(escape(reason))
                    .append("</code></li>"));
            out.append("</ul>");
        }
        return out.length() == 0 ? "<p>None.</p>" : out.toString();
    }

    private static List<Map<String, Object>> data(List<RunReport> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunReport run : runs) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", run.name());
            entry.put("seconds", run.timeline().stream().map(RunMetrics.Second::second).toList());
            entry.put("dbQueries", run.timeline().stream().map(RunMetrics.Second::dbQueries).toList());
            entry.put("failures", run.timeline().stream().map(RunMetrics.Second::failures).toList());
            entry.put("served", run.timeline().stream().map(second -> second.requests() - second.failures()).toList());
            entry.put("p99", run.timeline().stream().map(RunMetrics.Second::p99Millis).toList());
            RunReport.Latency latency = run.latency();
            entry.put("percentiles", List.of(latency.p50(), latency.p90(), latency.p99(), latency.p999(),
                    latency.max()));
            entry.put("events", run.events());
            out.add(entry);
        }
        return out;
    }

    private static String chartJs() throws IOException {
        Properties pom = new Properties();
        try (InputStream in = resourceStream(WEBJAR_POM)) {
            pom.load(in);
        }
        return resource(String.format(WEBJAR, pom.getProperty("version"))).replace("</script", "<\\/script");
    }

    private static String json(Object value) {
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
