# A small analysis an agent might send: summary statistics of INPUT_DATA["values"].
# Run it with `make run`, or: ./bin/pycage run --input '{"values": [1, 2, 3]}' examples/stats.py
import statistics

values = INPUT_DATA["values"] if INPUT_DATA else [1, 2, 3]
print(f"{len(values)} values, sorted: {sorted(values)}")
result = {
    "count": len(values),
    "mean": statistics.fmean(values),
    "median": statistics.median(values),
    "stdev": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
}
