package dev.vouch.bench.report;

import static dev.vouch.bench.report.Benchmarks.BASELINE;
import static dev.vouch.bench.report.Benchmarks.CHECKPOINT;
import static dev.vouch.bench.report.Benchmarks.LOG4J;
import static dev.vouch.bench.report.Benchmarks.SIGNING;
import static dev.vouch.bench.report.Benchmarks.TARGET_PAYLOAD;
import static dev.vouch.bench.report.Benchmarks.THROUGHPUT;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code throughput-by-producers.svg}: sustained {@code CHECKPOINT} throughput as grouped bars (one group per
 * producer count, one bar per payload size) with JMH's error as error bars, and dashed lines for the raw
 * Chronicle append and Log4j2's async logger (256 B, 1 thread). Hand-written SVG 1.1, no library, no script.
 */
final class SvgChart {
    static final String FILE = "throughput-by-producers.svg";

    private static final int WIDTH = 800;
    private static final int HEIGHT = 440;
    private static final int PLOT_LEFT = 90;
    private static final int PLOT_RIGHT = 560;
    private static final int PLOT_TOP = 62;
    private static final int PLOT_BOTTOM = 380;
    private static final String[] COLOURS = {"#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377"};

    private SvgChart() {
    }

    /** The bars: distinct {@code CHECKPOINT} throughput results, by producer count then payload. */
    static List<JmhResult> bars(Results r) {
        return ThroughputTable.rows(r).stream().filter(x -> CHECKPOINT.equals(x.param(SIGNING))).toList();
    }

    static String render(Results r) {
        List<JmhResult> bars = bars(r);
        TreeSet<Integer> producers = new TreeSet<>();
        TreeSet<Double> payloads = new TreeSet<>();
        bars.forEach(b -> {
            producers.add(b.threads());
            payloads.add(Results.numeric(b.param(Select.PAYLOAD)));
        });
        JmhResult near = bars.stream().filter(b -> b.threads() == 1).findFirst().orElse(null);
        List<Reference> refs = new ArrayList<>();
        r.find(Select.of(BASELINE, "chronicleAppend").payload(TARGET_PAYLOAD), near).ifPresent(x -> refs.add(
                new Reference("raw Chronicle append, 256 B", x.primary().score(), "#444444", "6,4")));
        r.find(Select.of(LOG4J).threads(1).payload(TARGET_PAYLOAD), near).ifPresent(x -> refs.add(
                new Reference("Log4j2 async, 1 thread, 256 B", x.primary().score(), "#AA3377", "2,3")));

        double max = 0;
        for (JmhResult b : bars) {
            double e = b.primary().error();
            max = Math.max(max, b.primary().score() + (Double.isNaN(e) ? 0 : e));
        }
        for (Reference ref : refs) {
            max = Math.max(max, ref.value());
        }
        double step = niceStep(max > 0 ? max / 5 : 1);
        double top = Math.max(step, Math.ceil(max * 1.05 / step) * step);

        Svg svg = new Svg(WIDTH, HEIGHT);
        svg.text(WIDTH / 2.0, 24, "middle", 16, "bold",
                "Vouch sustained throughput by producer count (CHECKPOINT signing)");
        svg.text(WIDTH / 2.0, 44, "middle", 11, "normal",
                "RecordThroughputBenchmark, events/s; error bars: JMH 99.9 % confidence interval");
        for (long i = 0, ticks = Math.round(top / step); i <= ticks; i++) {
            double v = i * step;
            double y = y(v, top);
            svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, "#dddddd", 1, null);
            svg.text(PLOT_LEFT - 8, y + 4, "end", 11, "normal", Num.abbreviated(v));
        }
        svg.line(PLOT_LEFT, PLOT_TOP, PLOT_LEFT, PLOT_BOTTOM, "#000000", 1, null);
        svg.line(PLOT_LEFT, PLOT_BOTTOM, PLOT_RIGHT, PLOT_BOTTOM, "#000000", 1, null);
        svg.rotatedText(24, (PLOT_TOP + PLOT_BOTTOM) / 2.0, 12, "events/s");
        svg.text((PLOT_LEFT + PLOT_RIGHT) / 2.0, PLOT_BOTTOM + 44, "middle", 12, "normal",
                "producers (JMH threads)");

        if (bars.isEmpty()) {
            svg.text((PLOT_LEFT + PLOT_RIGHT) / 2.0, (PLOT_TOP + PLOT_BOTTOM) / 2.0, "middle", 13, "normal",
                    "no RecordThroughputBenchmark CHECKPOINT results in this run");
        }
        double groupWidth = (PLOT_RIGHT - PLOT_LEFT) / (double) Math.max(1, producers.size());
        double barWidth = Math.min(72, groupWidth * 0.7 / Math.max(1, payloads.size()));
        double groupPad = (groupWidth - barWidth * payloads.size()) / 2;
        List<Integer> producerList = new ArrayList<>(producers);
        List<Double> payloadList = new ArrayList<>(payloads);
        for (int g = 0; g < producerList.size(); g++) {
            int n = producerList.get(g);
            double groupX = PLOT_LEFT + g * groupWidth;
            svg.text(groupX + groupWidth / 2, PLOT_BOTTOM + 20, "middle", 12, "normal", Integer.toString(n));
            for (int p = 0; p < payloadList.size(); p++) {
                double payload = payloadList.get(p);
                Optional<JmhResult> bar = bars.stream().filter(b -> b.threads() == n
                        && Double.compare(Results.numeric(b.param(Select.PAYLOAD)), payload) == 0).findFirst();
                if (bar.isPresent()) {
                    bar(svg, bar.get(), groupX + groupPad + p * barWidth, barWidth, top,
                            COLOURS[p % COLOURS.length]);
                }
            }
        }
        for (Reference ref : refs) {
            double y = y(ref.value(), top);
            svg.line(PLOT_LEFT, y, PLOT_RIGHT, y, ref.colour(), 2, ref.dash());
        }
        legend(svg, payloadList, refs);
        return svg.end();
    }

    private static void bar(Svg svg, JmhResult b, double x, double width, double top, String colour) {
        Metric m = b.primary();
        double y = y(m.score(), top);
        String tip = Labels.threads(b.threads()).replace("thread", "producer") + ", " + payloadLabel(b) + ": "
                + Num.withError(m) + " " + m.unit();
        svg.bar(x + 1, y, width - 2, PLOT_BOTTOM - y, colour, tip, b.threads(), b.param(Select.PAYLOAD));
        double labelY = y;
        if (!Double.isNaN(m.error()) && m.error() > 0) {
            double hi = y(m.score() + m.error(), top);
            double lo = y(Math.max(0, m.score() - m.error()), top);
            double cx = x + width / 2;
            svg.line(cx, hi, cx, lo, "#000000", 1, null);
            svg.line(cx - 4, hi, cx + 4, hi, "#000000", 1, null);
            svg.line(cx - 4, lo, cx + 4, lo, "#000000", 1, null);
            labelY = hi;
        }
        svg.text(x + width / 2, labelY - 4, "middle", 10, "normal", Num.abbreviated(m.score()));
    }

    private static void legend(Svg svg, List<Double> payloads, List<Reference> refs) {
        double x = PLOT_RIGHT + 24;
        double y = PLOT_TOP + 8;
        if (!payloads.isEmpty()) {
            svg.text(x, y, "start", 12, "bold", "payload");
        }
        for (int p = 0; p < payloads.size(); p++) {
            y += 20;
            svg.rect(x, y - 10, 14, 12, COLOURS[p % COLOURS.length]);
            double v = payloads.get(p);
            svg.text(x + 20, y, "start", 12, "normal", Double.isNaN(v) ? "default" : Num.format(v, 0) + " B");
        }
        if (!refs.isEmpty()) {
            y += 30;
            svg.text(x, y, "start", 12, "bold", "baselines");
        }
        for (Reference ref : refs) {
            y += 20;
            svg.line(x, y - 4, x + 24, y - 4, ref.colour(), 2, ref.dash());
            svg.text(x + 30, y, "start", 11, "normal", ref.label());
            y += 14;
            svg.text(x + 30, y, "start", 11, "normal", Num.abbreviated(ref.value()) + " ops/s");
        }
    }

    private static String payloadLabel(JmhResult b) {
        String p = b.param(Select.PAYLOAD);
        return p == null ? "default payload" : p + " B";
    }

    private static double y(double value, double top) {
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / top;
    }

    /** 1, 2, 2.5 or 5 times a power of ten: the tick spacing nearest above {@code raw}. */
    static double niceStep(double raw) {
        double pow = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / pow;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * pow;
    }

    private record Reference(String label, double value, String colour, String dash) {
    }

    /** The few SVG elements the chart draws, with numbers in {@link Locale#ROOT} and text escaped. */
    private static final class Svg {
        private final StringBuilder sb = new StringBuilder();

        Svg(int width, int height) {
            sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""
                    + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                    + " font-family=\"Helvetica, Arial, sans-serif\">%n",
                    width, height, width, height));
            sb.append("<title>Vouch sustained throughput by producer count</title>\n");
            sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width,
                    height));
        }

        void line(double x1, double y1, double x2, double y2, String colour, int width, String dash) {
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                    + " stroke-width=\"%d\"%s/>%n", x1, y1, x2, y2, colour, width,
                    dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        }

        void rect(double x, double y, double w, double h, String colour) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                    + " fill=\"%s\"/>%n", x, y, w, h, colour));
        }

        void bar(double x, double y, double w, double h, String colour, String tip, int producers, String payload) {
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-producers=\"%d\" data-payload=\"%s\""
                    + " x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
                    producers, escape(String.valueOf(payload)), x, y, Math.max(0, w), Math.max(0, h), colour,
                    escape(tip)));
        }

        void text(double x, double y, String anchor, int size, String weight, String text) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\""
                    + " font-weight=\"%s\">%s</text>%n", x, y, anchor, size, weight, escape(text)));
        }

        void rotatedText(double x, double y, int size, String text) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%d\""
                    + " transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n", x, y, size, x, y, escape(text)));
        }

        String end() {
            return sb.append("</svg>\n").toString();
        }

        static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
