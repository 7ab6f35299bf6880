#!/usr/bin/env python3
"""Drops JMH's raw samples (rawData, rawDataHistogram) from result JSON files in place: the scores, errors and
percentiles stay, which is what the report and a reader need; the samples of a latency run are megabytes."""
import json
import sys

for path in sys.argv[1:]:
    with open(path) as f:
        results = json.load(f)
    for r in results:
        for metric in [r.get("primaryMetric", {})] + list(r.get("secondaryMetrics", {}).values()):
            metric.pop("rawData", None)
            metric.pop("rawDataHistogram", None)
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
