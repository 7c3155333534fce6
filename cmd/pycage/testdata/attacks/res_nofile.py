# Outcome: the open files ulimit (256) stops a descriptor leak.
# want status=ok
# want stdout=limited\n
files = []
try:
    for _ in range(100000):
        files.append(open("/dev/null"))
except OSError:
    pass
print("limited" if len(files) < 300 else "opened %d" % len(files))
