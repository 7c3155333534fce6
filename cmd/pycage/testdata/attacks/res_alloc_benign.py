# Outcome (benign twin of the memory attacks): 50 MB under a 256 MiB limit is fine.
# want status=ok
# want stdout=52428800\n
x = bytearray(50 << 20)
print(len(x))
