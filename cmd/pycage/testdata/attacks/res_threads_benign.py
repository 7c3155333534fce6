# Outcome (benign twin of the thread bomb): 20 threads work.
# want status=ok
# want stdout=20\n
import threading
results = []
ts = [threading.Thread(target=results.append, args=(i,)) for i in range(20)]
for t in ts: t.start()
for t in ts: t.join()
print(len(results))
