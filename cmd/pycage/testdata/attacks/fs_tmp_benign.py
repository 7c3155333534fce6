# Outcome (benign twin of fs_tmp_full): 10 MiB in /tmp is fine.
# want status=ok
# want stdout=10485760\n
with open("/tmp/data", "wb") as f:
    f.write(b"x" * (10 << 20))
import os
print(os.path.getsize("/tmp/data"))
