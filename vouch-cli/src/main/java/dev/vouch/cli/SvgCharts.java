package dev.vouch.cli;

import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG: no script, no external file, and every label from a journal escaped with
 * {@link Html#text}. Each chart sits beside a table with the same figures, for people who would rather read.
 */
final class SvgCharts {
    /** One bar: its label (untrusted), value and fill colour (a constant of this program). */
    record Bar(String label, long value, String color) {
    }

    /** One row of a timeline: a task (untrusted name), its span and its calls' times and colours. */
    record Lane(String name, long first, long last, long[] times, String[] colors, String[] tips) {
    }

    private static final int WIDTH = 900;

    private SvgCharts() {
    }

    /** Horizontal bars, one per row, labelled and with their value. */
    static String bars(String title, List<Bar> bars) {
        int labelWidth = 190;
        int row = 22;
        int height = row * bars.size() + 8;
        long max = 1;
        for (Bar bar : bars) {
            max = Math.max(max, bar.value());
        }
        int room = WIDTH - labelWidth - 90;
        StringBuilder s = svg(title, height);
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = 4 + i * row;
            int w = bar.value() == 0 ? 0 : (int) Math.max(1, Math.round((double) room * bar.value() / max));
            s.append("<text x=\"").append(labelWidth - 8).append("\" y=\"").append(y + 15)
                    .append("\" text-anchor=\"end\">").append(Html.escape(Text.cut(Text.safe(bar.label()), 28)))
                    .append("</text>");
            s.append("<rect x=\"").append(labelWidth).append("\" y=\"").append(y + 3).append("\" width=\"").append(w)
                    .append("\" height=\"").append(row - 8).append("\" fill=\"").append(bar.color()).append("\"><title>")
                    .append(Html.text(bar.label())).append(": ").append(Html.number(bar.value())).append("</title></rect>");
            s.append("<text x=\"").append(labelWidth + w + 6).append("\" y=\"").append(y + 15).append("\">")
                    .append(Html.number(bar.value())).append("</text>");
        }
        return s.append("</svg>").toString();
    }

    /** Vertical columns over time (the rate): {@code labels} under the first and last column. */
    static String columns(String title, long[] values, String firstLabel, String lastLabel, String unit) {
        int height = 180;
        int base = height - 24;
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        StringBuilder s = svg(title, height);
        int left = 50;
        double step = values.length == 0 ? 0 : (double) (WIDTH - left - 10) / values.length;
        s.append("<line x1=\"").append(left).append("\" y1=\"").append(base).append("\" x2=\"").append(WIDTH - 10)
                .append("\" y2=\"").append(base).append("\" class=\"axis\"/>");
        s.append("<text x=\"").append(left - 6).append("\" y=\"14\" text-anchor=\"end\">").append(Html.number(max))
                .append("</text><text x=\"").append(left - 6).append("\" y=\"").append(base)
                .append("\" text-anchor=\"end\">0</text>");
        for (int i = 0; i < values.length; i++) {
            double h = (double) (base - 10) * values[i] / max;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%s %s</title></rect>", left + i * step + 0.5, base - h, Math.max(0.5, step - 1), h,
                    "#3b6ea5", Html.number(values[i]), Html.escape(unit)));
        }
        s.append("<text x=\"").append(left).append("\" y=\"").append(height - 6).append("\">")
                .append(Html.escape(firstLabel)).append("</text>");
        s.append("<text x=\"").append(WIDTH - 10).append("\" y=\"").append(height - 6).append("\" text-anchor=\"end\">")
                .append(Html.escape(lastLabel)).append("</text>");
        return s.append("</svg>").toString();
    }

    /** One lane per task from its first record to its last, a tick per call coloured by what became of it. */
    static String timeline(String title, List<Lane> lanes, long from, long to, String fromLabel, String toLabel) {
        int labelWidth = 190;
        int row = 20;
        int height = row * lanes.size() + 30;
        double span = Math.max(1, to - from);
        int room = WIDTH - labelWidth - 20;
        StringBuilder s = svg(title, height);
        for (int i = 0; i < lanes.size(); i++) {
            Lane lane = lanes.get(i);
            int y = 4 + i * row;
            double x1 = labelWidth + room * ((lane.first() - from) / span);
            double x2 = labelWidth + room * ((lane.last() - from) / span);
            s.append("<text x=\"").append(labelWidth - 8).append("\" y=\"").append(y + 13)
                    .append("\" text-anchor=\"end\">").append(lane.name().isEmpty() ? "(none)" : Html.escape(Text.cut(Text.safe(lane.name()), 26)))
                    .append("</text>");
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"lane\"/>", x1,
                    y + 9, Math.max(x2, x1 + 1), y + 9));
            for (int k = 0; k < lane.times().length; k++) {
                double x = labelWidth + room * ((lane.times()[k] - from) / span);
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"12\" fill=\"%s\">"
                        + "<title>", x - 1, y + 3, lane.colors()[k])).append(Html.text(lane.tips()[k]))
                        .append("</title></rect>");
            }
        }
        int axis = height - 22;
        s.append("<line x1=\"").append(labelWidth).append("\" y1=\"").append(axis).append("\" x2=\"")
                .append(labelWidth + room).append("\" y2=\"").append(axis).append("\" class=\"axis\"/>");
        s.append("<text x=\"").append(labelWidth).append("\" y=\"").append(height - 6).append("\">")
                .append(Html.escape(fromLabel)).append("</text>");
        s.append("<text x=\"").append(labelWidth + room).append("\" y=\"").append(height - 6)
                .append("\" text-anchor=\"end\">").append(Html.escape(toLabel)).append("</text>");
        return s.append("</svg>").toString();
    }

    private static StringBuilder svg(String title, int height) {
        return new StringBuilder(4096).append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\"><title>").append(Html.escape(title)).append("</title>");
    }
}
