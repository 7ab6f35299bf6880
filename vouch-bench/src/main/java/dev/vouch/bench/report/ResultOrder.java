package dev.vouch.bench.report;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** The order of the report's tables: by name, then parameters with numbers compared as numbers, then threads. */
final class ResultOrder {
    static final Comparator<JmhResult> BY_NAME = Comparator.comparing(JmhResult::shortName)
            .thenComparing(ResultOrder::compareParams)
            .thenComparingInt(JmhResult::threads)
            .thenComparing(JmhResult::run);

    private ResultOrder() {
    }

    static int compareParams(JmhResult a, JmhResult b) {
        Iterator<Map.Entry<String, String>> x = new TreeMap<>(a.params()).entrySet().iterator();
        Iterator<Map.Entry<String, String>> y = new TreeMap<>(b.params()).entrySet().iterator();
        while (x.hasNext() && y.hasNext()) {
            Map.Entry<String, String> p = x.next();
            Map.Entry<String, String> q = y.next();
            int c = p.getKey().compareTo(q.getKey());
            if (c == 0) {
                c = compareValues(p.getValue(), q.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(x.hasNext(), y.hasNext());
    }

    static int compareValues(String a, String b) {
        double x = Results.numeric(a);
        double y = Results.numeric(b);
        return Double.isNaN(x) || Double.isNaN(y) ? a.compareTo(b) : Double.compare(x, y);
    }
}
