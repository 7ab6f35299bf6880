package dev.vouch.internal;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" for a name that is not one of the known ones: a policy file's key, a {@code vouch.*} setting of the
 * Spring starter. Only close misspellings (an edit distance under 3, case ignored) are suggested.
 */
public final class Suggestions {
    private Suggestions() {
    }

    /** The known name closest to {@code given}, or null if none is close. */
    public static String closest(String given, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        String g = given.toLowerCase(Locale.ROOT);
        for (String k : known) {
            int d = distance(g, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
