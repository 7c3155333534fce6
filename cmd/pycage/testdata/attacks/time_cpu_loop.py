# Outcome: a CPU loop ends as timeout on time, keeping what it printed before.
# want stderr_contains=time limit
# want status=timeout
# want stdout=started\n
# timeout 2
# want max_seconds=5
print("started", flush=True)
while True:
    pass
