# Outcome: only the loopback interface exists.
# want status=ok
# want stdout=['lo']\n
print(sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").read().splitlines()[2:]))
