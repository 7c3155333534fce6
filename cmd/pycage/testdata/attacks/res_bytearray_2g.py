# Outcome: a 2 GiB allocation under the 256 MiB limit ends as oom.
# want stderr_contains=out of memory
# want status=oom
# want stdout=allocating\n
print("allocating", flush=True)
x = bytearray(2 << 30)
print("survived")
