# Outcome: time.sleep(10**6) ends as timeout on time.
# want stderr_contains=time limit
# want status=timeout
# want stdout=started\n
# timeout 2
# want max_seconds=5
import time
print("started")
time.sleep(10**6)
